package fsutil

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDirSymlinkAndLink makes a symbolic link and a hard link through directory
// descriptors: each lands in the directory opened, and the hard link shares the
// source's inode.
func TestDirSymlinkAndLink(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "a"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := OpenDir(src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := OpenDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Symlink("/some/target", "l"); err != nil {
		t.Fatal(err)
	}
	if got, err := os.Readlink(filepath.Join(dst, "l")); err != nil || got != "/some/target" {
		t.Errorf("symlink reads %q, %v", got, err)
	}
	if err := d.Link(s, "a", "b"); err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(filepath.Join(src, "a"))
	b, _ := os.Stat(filepath.Join(dst, "b"))
	if !os.SameFile(a, b) {
		t.Error("the hard link is another file")
	}
	if err := d.Symlink("/x", "l"); err == nil {
		t.Error("an existing name was replaced")
	}
}
