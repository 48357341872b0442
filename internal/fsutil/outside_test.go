package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOutsideRule(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make files of several owners")
	}
	const owner = 65534
	root := t.TempDir()
	ownersDir := filepath.Join(root, "owners")
	rootDir := filepath.Join(root, "rootonly")
	groupDir := filepath.Join(root, "group")
	for _, d := range []string{ownersDir, rootDir, groupDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(ownersDir, owner, owner); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(groupDir, 0, 4242); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(groupDir, 0o775); err != nil {
		t.Fatal(err)
	}
	st := func(uid uint32) *unix.Stat_t { return &unix.Stat_t{Uid: uid} }
	o := Outside{UID: owner, GIDs: []uint32{owner, 4242}}
	cases := []struct {
		name  string
		path  string
		st    *unix.Stat_t
		allow []string
		ok    bool
	}{
		{"the owner's file in the owner's directory", filepath.Join(ownersDir, "k"), st(owner), nil, true},
		{"a new file in the owner's directory", filepath.Join(ownersDir, "new"), nil, nil, true},
		{"the owner's file in a directory its group may write", filepath.Join(groupDir, "k"), st(owner), nil, true},
		{"root's file in the owner's directory", filepath.Join(ownersDir, "k"), st(0), nil, false},
		{"the owner's file in root's directory", filepath.Join(rootDir, "k"), st(owner), nil, false},
		{"a new file in root's directory", filepath.Join(rootDir, "new"), nil, nil, false},
		{"root's file named on the command line", filepath.Join(rootDir, "k"), st(0), []string{filepath.Join(rootDir, "k")}, true},
		{"another file named on the command line", filepath.Join(rootDir, "k"), st(0), []string{filepath.Join(rootDir, "other")}, false},
	}
	for _, c := range cases {
		o.Allowed = c.allow
		err := o.Check(c.path, c.st)
		if c.ok && err != nil {
			t.Errorf("%s: %v, want it allowed", c.name, err)
		}
		var oe *OutsideError
		if !c.ok && (!errors.As(err, &oe) || !errors.Is(err, ErrOutside) || oe.Path != c.path) {
			t.Errorf("%s: %v, want an OutsideError", c.name, err)
		}
	}
}

func TestAllow(t *testing.T) {
	got, err := Allow("/a/./b/../c", "/x")
	if err != nil || len(got) != 2 || got[0] != "/a/c" || got[1] != "/x" {
		t.Errorf("Allow = %v, %v", got, err)
	}
}
