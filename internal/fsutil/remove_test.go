package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "0a1b2c3d.r0")
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "0a1b2c3d.r1")
	sub := filepath.Join(dir, "sub")
	for _, p := range []string{file, target} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{file, link} {
		if err := RemoveFile(p); err != nil {
			t.Fatalf("RemoveFile(%s): %v", p, err)
		}
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s is still there: %v", p, err)
		}
	}
	assertContent(t, target, "x")
	var we *WriteError
	if err := RemoveFile(sub); !errors.As(err, &we) || we.Op != "removing" {
		t.Fatalf("RemoveFile(directory) = %v", err)
	}
	if _, err := os.Stat(sub); err != nil {
		t.Fatalf("the directory was removed: %v", err)
	}
	if err := RemoveFile(file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("RemoveFile(missing) = %v", err)
	}
}
