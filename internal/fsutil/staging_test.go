package fsutil

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestStagingInstall(t *testing.T) {
	parent := t.TempDir()
	d, err := OpenDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	old := syscall.Umask(0o777)
	s, err := d.MkdirStaging()
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(parent, s.Name()))
	if err != nil || fi.Mode().Perm() != 0o700 || !strings.HasPrefix(s.Name(), StagingPrefix) {
		t.Fatalf("staging directory %s: %v, %v; want mode 0700", s.Name(), fi, err)
	}
	f, err := s.Create("server.key", KeyMode, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("key")
	f.Close()
	if _, err := s.Create("server.key", KeyMode, false, 0, 0); err == nil {
		t.Error("Create over an existing file succeeded")
	}
	if _, err := s.Create("../escape", KeyMode, false, 0, 0); err == nil {
		t.Error("Create of ../escape succeeded")
	}
	if err := s.Install("server.key", d, "server.key"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(parent, "server.key"))
	if err != nil || string(data) != "key" {
		t.Errorf("installed file: %q, %v", data, err)
	}
	if fi, err := os.Stat(filepath.Join(parent, "server.key")); err != nil || fi.Mode().Perm() != KeyMode {
		t.Errorf("installed file mode: %v, %v", fi, err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("left in the parent: %v, want server.key alone", entries)
	}
}

// The parent's owner swaps the staging directory for one of their own between the
// mkdir and the open: refused, and nothing is written into theirs.
func TestStagingSwapRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a directory of another user")
	}
	parent := t.TempDir()
	d, err := OpenDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	testHookAfterMkdir = func(_ *Dir, name string) {
		p := filepath.Join(parent, name)
		if err := os.Rename(p, p+".away"); err != nil {
			t.Error(err)
		}
		if err := os.Mkdir(p, 0o777); err != nil {
			t.Error(err)
		}
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Error(err)
		}
	}
	defer func() { testHookAfterMkdir = nil }()
	if s, err := d.MkdirStaging(); err == nil || !strings.Contains(err.Error(), "replaced by another directory") {
		t.Errorf("MkdirStaging with a swapped directory = %v, %v; want a refusal", s, err)
	}
	testHookAfterMkdir = func(_ *Dir, name string) {
		p := filepath.Join(parent, name)
		if err := os.Rename(p, p+".away2"); err != nil {
			t.Error(err)
		}
		if err := os.Symlink("/etc", p); err != nil {
			t.Error(err)
		}
	}
	if s, err := d.MkdirStaging(); err == nil {
		t.Errorf("MkdirStaging with a link swapped in = %v; want a refusal", s.Name())
	}
}

func TestRemoveStaleStaging(t *testing.T) {
	parent := t.TempDir()
	d, err := OpenDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// A killed run: its staging directory, with a key in it, and no lock held.
	dead, err := d.MkdirStaging()
	if err != nil {
		t.Fatal(err)
	}
	f, err := dead.Create("server.key", KeyMode, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	deadPath := filepath.Join(parent, dead.Name())
	dead.Dir.Close()
	live, err := d.MkdirStaging()
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	removed, err := RemoveStaleStaging(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != deadPath {
		t.Errorf("removed %v, want [%s]", removed, deadPath)
	}
	if _, err := os.Lstat(deadPath); !os.IsNotExist(err) {
		t.Errorf("the dead run's staging directory is still there: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(parent, live.Name())); err != nil {
		t.Errorf("the live run's staging directory was removed: %v", err)
	}
	if os.Geteuid() == 0 {
		foreign := filepath.Join(parent, StagingPrefix+"planted")
		if err := os.Mkdir(foreign, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(foreign, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if removed, _ := RemoveStaleStaging(d); len(removed) != 0 {
			t.Errorf("removed %v: another user's directory is not pgcert's", removed)
		}
	}
}
