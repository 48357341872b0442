package ca

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
)

func TestUnlockAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	_, err := Create(dir, CreateOptions{Intermediate: true, Passphrase: []byte("secret"), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	open := func() *CA {
		o, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	asked := 0
	ask := func(pass string) func(string) ([]byte, error) {
		return func(keyPath string) ([]byte, error) { asked++; return []byte(pass), nil }
	}
	o := open()
	if err := UnlockAll(ask("secret"), o.CAs()...); err != nil {
		t.Fatal(err)
	}
	if asked != 1 || !o.Unlocked() || !o.Parent.Unlocked() {
		t.Errorf("asked %d times for a shared passphrase, want once", asked)
	}
	err = UnlockAll(ask("wrong"), open())
	var he *hint.Error
	if !errors.As(err, &he) || !strings.HasSuffix(err.Error(), ": wrong passphrase") || !strings.Contains(he.Hints[0], "--passin") {
		t.Errorf("wrong passphrase: %v", err)
	}
	hinted := hint.Errorf([]string{"from Ask"}, "cancelled")
	err = UnlockAll(func(string) ([]byte, error) { return nil, hinted }, open())
	if !errors.As(err, &he) || he.Hints[0] != "from Ask" {
		t.Errorf("Ask's error not kept: %v", err)
	}
	o = open()
	if err := os.Remove(o.KeyPath()); err != nil {
		t.Fatal(err)
	}
	if err := UnlockAll(ask("secret"), o); err == nil || !strings.HasSuffix(err.Error(), ": no such file") {
		t.Errorf("key moved away: %v", err)
	}
}
