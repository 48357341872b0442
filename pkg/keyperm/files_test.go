package keyperm

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

func writeFile(t *testing.T, path string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte("-----BEGIN PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// self is the running user as the database user of these tests: the files they make
// are its own.
func self() Identity {
	id := Process()
	id.Name, id.GroupName = "self", "self"
	return id
}

func TestStatFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "real.key")
	writeFile(t, key, 0o640)
	ln := filepath.Join(dir, "server.key")
	if err := os.Symlink("real.key", ln); err != nil {
		t.Fatal(err)
	}
	fi := Stat(ln)
	if fi.Err != nil || !fi.Regular() || fi.Mode.Perm() != 0o640 || fi.UID != uint32(os.Geteuid()) {
		t.Fatalf("Stat = %+v", fi)
	}
	want, _ := filepath.EvalSymlinks(key)
	if !fi.Symlink || fi.Target != want || fi.Resolved() != want {
		t.Errorf("link %v target %q, want %q", fi.Symlink, fi.Target, want)
	}
	if len(fi.Dirs) == 0 || fi.Dirs[0].Path != "/" {
		t.Errorf("dirs = %+v", fi.Dirs)
	}
	plain := Stat(key)
	if plain.Symlink || plain.Target != "" || plain.Resolved() != key {
		t.Errorf("plain file = %+v", plain)
	}
}

func TestCheckMissingKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "server.key")
	r := CheckServerKey(p, self())
	if r.Problem != NotFound || r.Message != `could not access private key file "`+p+`": No such file or directory` {
		t.Errorf("server: %v %q", r.Problem, r.Message)
	}
	c := CheckClientKey(p, self())
	if c.Problem != NotFound || c.Message != `certificate present, but not private key file "`+p+`"` {
		t.Errorf("client: %v %q", c.Problem, c.Message)
	}
	f := PlanServerKeyFix(Stat(p), self(), Process())
	if !errors.Is(f.Err, ErrNoFix) || !errors.Is(Apply(f), ErrNoFix) {
		t.Errorf("fix of a missing key: %v", f.Err)
	}
	if ld := Stat(filepath.Join(p, "x")); Strerror(ld.Err) != "No such file or directory" {
		t.Errorf("errno text %q", Strerror(ld.Err))
	}
}

func TestApplyOwnKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "server.key")
	writeFile(t, p, 0o644)
	db := self()
	r := CheckServerKey(p, db)
	if r.Problem != GroupOrWorld {
		t.Fatalf("0644: %v", r.Problem)
	}
	f := PlanServerKeyFix(Stat(p), db, Process())
	if f.Err != nil || !f.Chmod || f.Mode != 0o600 || f.Chown {
		t.Fatalf("plan = %+v", f)
	}
	if err := Apply(f); err != nil {
		t.Fatal(err)
	}
	if got := perm(t, p); got != 0o600 {
		t.Errorf("mode after Apply = %o", got)
	}
	if r := CheckServerKey(p, db); !r.OK {
		t.Errorf("after Apply: %s", r.Message)
	}
	if f := PlanServerKeyFix(Stat(p), db, Process()); f.Needed || Apply(f) != nil {
		t.Errorf("second plan = %+v", f)
	}

	c := filepath.Join(filepath.Dir(p), "postgresql.key")
	writeFile(t, c, 0o604)
	cf := PlanClientKeyFix(Stat(c), db, Process())
	if err := Apply(cf); err != nil {
		t.Fatal(err)
	}
	if r := CheckClientKey(c, db); !r.OK || perm(t, c) != 0o600 {
		t.Errorf("client key after Apply: %o %s", perm(t, c), r.Message)
	}
}

func TestApplyThroughLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.key")
	writeFile(t, target, 0o660)
	ln := filepath.Join(dir, "server.key")
	if err := os.Symlink(target, ln); err != nil {
		t.Fatal(err)
	}
	f := PlanServerKeyFix(Stat(ln), self(), Process())
	resolved, _ := filepath.EvalSymlinks(target)
	if f.Path != resolved || f.Link != ln {
		t.Fatalf("fix path %q link %q", f.Path, f.Link)
	}
	if err := Apply(f); err != nil {
		t.Fatal(err)
	}
	if got := perm(t, target); got != 0o600 {
		t.Errorf("target mode = %o", got)
	}
	if st, err := os.Lstat(ln); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link was replaced: %v", err)
	}
}

func TestApplyRefusesReplacedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "server.key")
	writeFile(t, p, 0o644)
	f := PlanServerKeyFix(Stat(p), self(), Process())
	writeFile(t, p+".new", 0o644)
	if err := os.Rename(p+".new", p); err != nil {
		t.Fatal(err)
	}
	if err := Apply(f); !errors.Is(err, ErrChanged) {
		t.Fatalf("Apply on a replaced file = %v", err)
	}
	if got := perm(t, p); got != 0o644 {
		t.Errorf("replaced file was changed to %o", got)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", p); err != nil {
		t.Fatal(err)
	}
	if err := Apply(f); !errors.Is(err, ErrChanged) {
		t.Fatalf("Apply on a link = %v", err)
	}
}

// TestAsRootForPostgres gives keys to the postgres account and checks each verdict on
// readability against postgres really opening the file.
func TestAsRootForPostgres(t *testing.T) {
	testenv.RequireRoot(t, "to give files to the postgres user")
	db, err := SystemLookup{}.LookupUser("postgres")
	if err != nil {
		testenv.Missing(t, "no postgres user (apt-get install postgresql): "+err.Error())
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		testenv.Missing(t, "runuser not found")
	}
	sslCertGroup := uint32(0)
	for _, g := range db.Groups {
		if name, err := (SystemLookup{}).GroupName(g); err == nil && name == "ssl-cert" {
			sslCertGroup = g
		}
	}
	dir := t.TempDir()
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "server.key")
	writeFile(t, p, 0o600)
	opens := func() bool {
		return exec.Command(runuser, "-u", db.Name, "--", "head", "-c1", p).Run() == nil
	}
	set := func(uid, gid uint32, mode os.FileMode) {
		t.Helper()
		if err := os.Chown(p, int(uid), int(gid)); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	type state struct {
		uid, gid uint32
		mode     os.FileMode
		want     Problem
	}
	states := []state{
		{db.UID, db.GID, 0o600, NoProblem},
		{db.UID, db.GID, 0o644, GroupOrWorld},
		{db.UID, db.GID, 0o200, Unreadable},
		{0, 0, 0o600, Unreadable},
		{0, 0, 0o644, GroupOrWorld},
	}
	if sslCertGroup != 0 {
		states = append(states, state{0, sslCertGroup, 0o640, NoProblem}, state{0, sslCertGroup, 0o600, Unreadable})
	}
	for _, s := range states {
		set(s.uid, s.gid, s.mode)
		r := CheckServerKey(p, db)
		if r.Problem != s.want {
			t.Errorf("%d:%d %o: %v, want %v", s.uid, s.gid, s.mode, r.Problem, s.want)
		}
		if r.Problem != GroupOrWorld && opens() != r.OK {
			t.Errorf("%d:%d %o: predicted readable %v, postgres could open it: %v", s.uid, s.gid, s.mode, r.OK, !r.OK)
		}
		f := PlanServerKeyFix(Stat(p), db, Process())
		if err := Apply(f); err != nil {
			t.Fatalf("%d:%d %o: Apply: %v", s.uid, s.gid, s.mode, err)
		}
		if r := CheckServerKey(p, db); !r.OK || !opens() {
			t.Errorf("%d:%d %o: after %v still %v (%s)", s.uid, s.gid, s.mode, f.Commands(), r.Problem, r.Message)
		}
	}

	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	inner := filepath.Join(locked, "server.key")
	writeFile(t, inner, 0o600)
	if err := os.Chown(inner, int(db.UID), int(db.GID)); err != nil {
		t.Fatal(err)
	}
	r := CheckServerKey(inner, db)
	if r.Problem != NoSearch || r.Dir != locked {
		t.Errorf("key behind a locked directory: %v %q", r.Problem, r.Dir)
	}
	if exec.Command(runuser, "-u", db.Name, "--", "head", "-c1", inner).Run() == nil {
		t.Error("postgres opened a file behind a 0700 root directory")
	}
}
