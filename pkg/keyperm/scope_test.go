package keyperm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// scopeWorld is a data directory owned by db (uid 65534) and, beside it, a directory
// only root may write holding a root file, and one db owns.
func scopeWorld(t *testing.T) (data, rootDir, dbDir string, db Identity) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to make files of several owners")
	}
	db = Identity{Name: "nobody", UID: 65534, GID: 65534, GroupName: "nogroup"}
	base := t.TempDir()
	// The database user must reach the files for a fix to be planned at all.
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data = filepath.Join(base, "data")
	rootDir = filepath.Join(base, "rootonly")
	dbDir = filepath.Join(base, "dbs")
	for _, d := range []string{data, rootDir, dbDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{data, dbDir} {
		if err := os.Chown(d, int(db.UID), int(db.GID)); err != nil {
			t.Fatal(err)
		}
	}
	return data, rootDir, dbDir, db
}

func TestScopeRefusesRootFilesOutside(t *testing.T) {
	data, rootDir, _, db := scopeWorld(t)
	secret := filepath.Join(rootDir, "secret")
	writeFile(t, secret, 0o644)
	link := filepath.Join(data, "server.key")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	s := Scope{DataDir: data, Owner: db}
	for name, path := range map[string]string{"through a link": link, "named by a setting": secret} {
		f := PlanServerKeyFix(Stat(path), db, Process())
		if !f.Needed || !f.Chown {
			t.Fatalf("%s: plan %+v, want a chmod and chown", name, f)
		}
		var re *RefusedError
		if err := s.Check(f); !errors.As(err, &re) || !strings.Contains(err.Error(), "belongs to user 0") {
			t.Errorf("%s: Check = %v, want a refusal naming the owner", name, err)
		}
		if err := s.Apply(f); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: Apply = %v, want ErrRefused", name, err)
		}
		var st syscall.Stat_t
		if err := syscall.Stat(secret, &st); err != nil || st.Uid != 0 || st.Mode&0o777 != 0o644 {
			t.Fatalf("%s: the root file was changed: uid %d mode %o (%v)", name, st.Uid, st.Mode&0o777, err)
		}
		allowed := Scope{DataDir: data, Owner: db, Allowed: []string{secret}}
		if err := allowed.Apply(f); err != nil {
			t.Errorf("%s: Apply with the file allowed = %v", name, err)
		}
		if err := os.Chown(secret, 0, 0); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(secret, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScopeAllowsTheOwnersReach(t *testing.T) {
	data, _, dbDir, db := scopeWorld(t)
	s := Scope{DataDir: data, Owner: db}
	// A root-owned key inside the data directory (root wrote it there): given to
	// the owner, as perms fix always did.
	inside := filepath.Join(data, "server.key")
	writeFile(t, inside, 0o644)
	if err := s.Apply(PlanServerKeyFix(Stat(inside), db, Process())); err != nil {
		t.Fatalf("inside: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(inside, &st); err != nil || st.Uid != db.UID || st.Mode&0o777 != 0o600 {
		t.Errorf("inside: uid %d mode %o (%v), want %d 0600", st.Uid, st.Mode&0o777, err, db.UID)
	}
	// The owner's key in the owner's directory outside.
	theirs := filepath.Join(dbDir, "db.key")
	writeFile(t, theirs, 0o644)
	if err := os.Chown(theirs, int(db.UID), int(db.GID)); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(PlanServerKeyFix(Stat(theirs), db, Process())); err != nil {
		t.Fatalf("the owner's file outside: %v", err)
	}
	if got := perm(t, theirs); got != 0o600 {
		t.Errorf("the owner's file outside is %o, want 0600", got)
	}
}

// A root file hard-linked into the data directory (possible when
// fs.protected_hardlinks is off) is not the data directory's to change.
func TestScopeRefusesForeignHardLink(t *testing.T) {
	data, rootDir, _, db := scopeWorld(t)
	secret := filepath.Join(rootDir, "secret")
	writeFile(t, secret, 0o644)
	inside := filepath.Join(data, "server.key")
	if err := os.Link(secret, inside); err != nil {
		t.Skipf("cannot hard-link across the test's directories: %v", err)
	}
	f := PlanServerKeyFix(Stat(inside), db, Process())
	if err := (Scope{DataDir: data, Owner: db}).Apply(f); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "hard links") {
		t.Errorf("Apply = %v, want a refusal naming the hard links", err)
	}
	if got := perm(t, secret); got != 0o644 {
		t.Errorf("the root file is %o, want it untouched", got)
	}
}

// The owner swaps the examined key for a link to a root file between the plan and
// the change: the change finds the link and makes none.
func TestScopeApplyAfterSwap(t *testing.T) {
	data, rootDir, _, db := scopeWorld(t)
	secret := filepath.Join(rootDir, "secret")
	writeFile(t, secret, 0o644)
	inside := filepath.Join(data, "server.key")
	writeFile(t, inside, 0o644)
	s := Scope{DataDir: data, Owner: db}
	f := PlanServerKeyFix(Stat(inside), db, Process())
	if err := s.Check(f); err != nil {
		t.Fatalf("Check before the swap: %v", err)
	}
	if err := os.Remove(inside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, inside); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(f); !errors.Is(err, ErrChanged) {
		t.Errorf("Apply after the swap = %v, want ErrChanged", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(secret, &st); err != nil || st.Uid != 0 || st.Mode&0o777 != 0o644 {
		t.Errorf("the root file was changed: uid %d mode %o (%v)", st.Uid, st.Mode&0o777, err)
	}
}
