package ca

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/hint"
)

func TestDirFor(t *testing.T) {
	c := newCA(t, CreateOptions{})
	other := newCA(t, CreateOptions{})
	def := func() (string, error) { return "/default/ca", nil }
	dataDir := t.TempDir()

	dir, err := DirFor(DirForOptions{Default: def})
	if err != nil || dir != "/default/ca" {
		t.Errorf("no flag, no -D: %q %v, want the default", dir, err)
	}
	if dir, err = DirFor(DirForOptions{Flag: other.Dir, DataDir: dataDir, Default: def}); err != nil || dir != other.Dir {
		t.Errorf("unbound data directory: %q %v, want the flag's", dir, err)
	}

	if err := c.BindDataDir(dataDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, DataDirFile), c.Record().Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	if dir, err = DirFor(DirForOptions{DataDir: dataDir, Default: def}); err != nil || dir != c.Dir {
		t.Errorf("bound, no flag: %q %v, want the recorded CA", dir, err)
	}
	if dir, err = DirFor(DirForOptions{Flag: c.Dir + "/", DataDir: dataDir, Default: def}); err != nil || dir != c.Dir+"/" {
		t.Errorf("bound, the same CA: %q %v", dir, err)
	}
	_, err = DirFor(DirForOptions{Flag: other.Dir, DataDir: dataDir, Default: def})
	var he *hint.Error
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "is not the CA directory") || !strings.Contains(he.Hints[0], c.Dir) {
		t.Errorf("bound, another CA: %v, want a refusal naming the recorded CA", err)
	}
	if dir, err = DirFor(DirForOptions{Flag: other.Dir, DataDir: dataDir, NewCA: true, Default: def}); err != nil || dir != other.Dir {
		t.Errorf("bound, another CA with NewCA: %q %v", dir, err)
	}
	// A copy of the recorded CA elsewhere is the same CA.
	cp := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(cp, os.DirFS(c.Dir)); err != nil {
		t.Fatal(err)
	}
	if dir, err = DirFor(DirForOptions{Flag: cp, DataDir: dataDir, Default: def}); err != nil || dir != cp {
		t.Errorf("bound, a copy of the CA: %q %v", dir, err)
	}
}
