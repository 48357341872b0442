package fsutil

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSetBeneath changes a directory's mode through a descriptor, and refuses a link
// planted in its place, leaving the link's target as it was.
func TestSetBeneath(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := SetBeneath(dir, "sub", 0o700, false, 0, 0); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(sub); fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", fi.Mode().Perm())
	}
	target := t.TempDir()
	os.Chmod(target, 0o755)
	os.Remove(sub)
	if err := os.Symlink(target, sub); err != nil {
		t.Fatal(err)
	}
	if err := SetBeneath(dir, "sub", 0o700, false, 0, 0); err == nil {
		t.Error("a link in the directory's place was followed")
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o755 {
		t.Errorf("the link's target became %v", fi.Mode().Perm())
	}
}
