package fsutil

import (
	"os"
	"testing"
)

func TestDirOwnerOptions(t *testing.T) {
	dir := t.TempDir()
	o := DirOwnerOptions(dir, KeyMode, true)
	if o.Chown || o.Mode != KeyMode || !o.Force {
		t.Errorf("own directory: %+v, want no chown", o)
	}
	if os.Geteuid() != 0 {
		t.Skip("giving a directory to another user needs root")
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	o = DirOwnerOptions(dir, PublicMode, false)
	if !o.Chown || o.UID != 65534 || o.GID != 65534 || o.Force {
		t.Errorf("another user's directory: %+v, want its owner", o)
	}
}
