package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	base := t.TempDir()
	data := filepath.Join(base, "data")
	other := filepath.Join(base, "other")
	for _, d := range []string{data, other, filepath.Join(data, "sub")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(other, filepath.Join(data, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// An owner no file here belongs to, who may write no directory here.
	g := Guard{Dirs: []string{data}, Outside: Outside{UID: 4242, GIDs: []uint32{4242}}}
	for _, p := range []string{filepath.Join(data, "server.crt"), filepath.Join(data, "sub", "root.crl")} {
		if err := g.Check(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{filepath.Join(other, "f"), filepath.Join(other, "new"), filepath.Join(data, "link", "f")} {
		err := g.Check(p)
		if !errors.Is(err, ErrOutside) {
			t.Errorf("%s: want ErrOutside, got %v", p, err)
		}
	}
	if err := g.Check(filepath.Join(data, "link", "f")); err == nil || !strings.Contains(err.Error(), "it leads to "+filepath.Join(other, "f")) {
		t.Errorf("through a link: %v", err)
	}
	g.Outside.Allowed = []string{filepath.Join(other, "f")}
	if err := g.Check(filepath.Join(data, "link", "f")); err != nil {
		t.Errorf("allowed by the name it leads to: %v", err)
	}
	if err := (Guard{Off: true}).Check("/etc/passwd"); err != nil {
		t.Errorf("off: %v", err)
	}
}
