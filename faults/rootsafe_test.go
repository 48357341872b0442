package faults

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hangTimeout is the hang detector of the tests below: every run they make finishes
// in well under a second, and one that has not finished after this long waits on a
// FIFO or a device forever. It fails the test; it measures nothing.
const hangTimeout = 30 * time.Second

// dbOwner is the database user the data directories of these tests belong to, the
// attacker of docs/security.md's threat model.
type dbOwner struct {
	uid, gid int
}

// requirePostgresUser skips the test unless it runs as root on a system with a
// postgres account (the e2e tests' server user).
func requirePostgresUser(t *testing.T) dbOwner {
	t.Helper()
	requireRoot(t)
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Skip("no postgres user")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("no setpriv")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return dbOwner{uid, gid}
}

// asPostgres makes the attacker's move: runs a shell command as the postgres user,
// with its groups, as a database superuser's COPY TO PROGRAM or a compromised server
// would.
func asPostgres(t *testing.T, script string) {
	t.Helper()
	cmd := exec.Command("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "sh", "-c", script)
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("as postgres: %s: %v\n%s", script, err, out)
	}
}

// rootsafeDataDir makes a data directory owned by postgres, set up by pgcert init
// --configure run as root (server.key, server.crt, root.crt, root.crl, pgcert.conf
// included from postgresql.conf, pg_hba.conf lines), with its CA beside it; base is
// searchable by postgres, and holds rootonly/, a directory only root may write.
func rootsafeDataDir(t *testing.T, o dbOwner) (base, data string) {
	t.Helper()
	base, err := os.MkdirTemp(binDir, "rootsafe-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	data = filepath.Join(base, "data")
	files := map[string]string{
		"PG_VERSION":      "15\n",
		"postgresql.conf": "listen_addresses = 'localhost'\n",
		"pg_hba.conf":     "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n",
	}
	for _, d := range []string{data, filepath.Join(data, "global"), filepath.Join(base, "rootonly")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(base, "rootonly"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "global", "pg_control"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(data, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{data, filepath.Join(data, "global"), filepath.Join(data, "global", "pg_control"),
		filepath.Join(data, "PG_VERSION"), filepath.Join(data, "postgresql.conf"), filepath.Join(data, "pg_hba.conf")} {
		if err := os.Chown(p, o.uid, o.gid); err != nil {
			t.Fatal(err)
		}
	}
	mustPgcert(t, "init", "-D", data, "--ca-dir", filepath.Join(base, "ca"), "--configure")
	return base, data
}

// runNoHang runs pgcert as root and fails the test if it has not finished within
// hangTimeout.
func runNoHang(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangTimeout)
	defer cancel()
	cmd := command(ctx, runOpts{}, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("pgcert %s hung: killed after %v\n%s", strings.Join(args, " "), hangTimeout, r)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("pgcert %v: %v\n%s", args, err, r)
	}
	noCrash(t, r)
	return r
}

// TestSpecialFilesInDataDirectory plants, as the database user, a FIFO at each file
// a command reads from a data directory (and root.crt as a link to /dev/kmsg, a
// device a read waits on): every command that reads the data directory finishes at
// once, and one that reads the file fails with exit 1, naming the file and what it
// is. Commands that do not read that file do their work and leave it as it is.
func TestSpecialFilesInDataDirectory(t *testing.T) {
	o := requirePostgresUser(t)
	type plant struct {
		name, file, kind, move string
	}
	plants := []plant{
		{"server.key FIFO", "server.key", "FIFO", "rm -f server.key && mkfifo server.key"},
		{"root.crt FIFO", "root.crt", "FIFO", "rm -f root.crt && mkfifo root.crt"},
		{"postgresql.conf FIFO", "postgresql.conf", "FIFO", "rm -f postgresql.conf && mkfifo postgresql.conf"},
		{"pg_hba.conf FIFO", "pg_hba.conf", "FIFO", "rm -f pg_hba.conf && mkfifo pg_hba.conf"},
		{"PG_VERSION FIFO", "PG_VERSION", "FIFO", "rm -f PG_VERSION && mkfifo PG_VERSION"},
		{"root.crt -> /dev/kmsg", "root.crt", "character device", "rm -f root.crt && ln -s /dev/kmsg root.crt"},
	}
	type cmdCase struct {
		name string
		args func(base, data string) []string
		// ignores lists the plants of files the command does not read: it
		// succeeds and leaves them alone.
		ignores []string
	}
	commands := []cmdCase{
		{"check", func(_, d string) []string { return []string{"check", "-D", d} }, nil},
		{"renew", func(b, d string) []string { return []string{"renew", "-D", d, "--ca-dir", filepath.Join(b, "ca")} }, nil},
		{"perms check", func(_, d string) []string { return []string{"perms", "check", "-D", d} }, nil},
		{"perms fix", func(_, d string) []string { return []string{"perms", "fix", "-D", d} }, nil},
		// --new-ca: the data directory's server.crt comes from init's CA.
		{"selfsign", func(_, d string) []string { return []string{"selfsign", "-D", d, "--force", "--new-ca"} },
			[]string{"root.crt FIFO", "postgresql.conf FIFO", "pg_hba.conf FIFO", "root.crt -> /dev/kmsg"}},
		// init replaces root.crt, a link, with a new file (it never writes
		// through a link); a FIFO there it refuses to replace.
		{"init --configure", func(b, d string) []string {
			return []string{"init", "-D", d, "--ca-dir", filepath.Join(b, "ca"), "--configure", "--force"}
		}, []string{"root.crt -> /dev/kmsg"}},
	}
	for _, p := range plants {
		for _, c := range commands {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				base, data := rootsafeDataDir(t, o)
				asPostgres(t, "cd "+data+" && "+p.move)
				before, err := os.Lstat(filepath.Join(data, p.file))
				if err != nil {
					t.Fatal(err)
				}
				r := runNoHang(t, c.args(base, data)...)
				ignored := false
				for _, ig := range c.ignores {
					ignored = ignored || ig == p.name
				}
				if ignored {
					if r.Code != 0 {
						t.Errorf("does not read %s, yet failed:\n%s", p.file, r)
					}
					return
				}
				out := r.Stdout + r.Stderr
				if r.Code != 1 || !strings.Contains(out, p.file) || !strings.Contains(out, p.kind) {
					t.Errorf("want exit 1 and an error naming %s and its kind (%s):\n%s", p.file, p.kind, r)
				}
				after, err := os.Lstat(filepath.Join(data, p.file))
				if err != nil || after.Mode() != before.Mode() {
					t.Errorf("%s changed: %v, %v (was %v)", p.file, after, err, before.Mode())
				}
			})
		}
	}
}

// fileState is what must not change about an attacked file: content, mode, owner,
// and the time of its last change of status, which any chmod or chown moves even
// when it sets what was already there.
type fileState struct {
	data       []byte
	mode       uint32
	uid, gid   uint32
	ctimeNanos int64
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{data, st.Mode, st.Uid, st.Gid, st.Ctim.Nano()}
}

func assertSameState(t *testing.T, path string, before fileState) {
	t.Helper()
	after := stateOf(t, path)
	if !bytes.Equal(after.data, before.data) || after.mode != before.mode || after.uid != before.uid ||
		after.gid != before.gid || after.ctimeNanos != before.ctimeNanos {
		t.Errorf("%s was changed: mode %o uid %d gid %d ctime %d, was mode %o uid %d gid %d ctime %d",
			path, after.mode, after.uid, after.gid, after.ctimeNanos, before.mode, before.uid, before.gid, before.ctimeNanos)
	}
}

// TestPermsFixGivesNoPower is attack 2 of docs/security.md: the database user
// points a setting (through postgresql.auto.conf, as ALTER SYSTEM does) or a
// symbolic link at a root file, in the hope that root's perms fix -D makes it
// theirs or readable. perms fix refuses, says why and names the flag, and the root
// file is byte- and metadata-identical afterwards; with --allow-outside naming it,
// the admin's choice, it is changed.
func TestPermsFixGivesNoPower(t *testing.T) {
	o := requirePostgresUser(t)
	cases := []struct {
		name string
		// move is the attacker's shell command, run in the data directory;
		// {secret} is the root file.
		move string
		mode os.FileMode
		want []string
	}{
		{"server.key a link to a root file", "rm server.key && ln -s {secret} server.key", 0o640,
			[]string{"is a symbolic link to", "belongs to user 0", "--allow-outside"}},
		{"ssl_cert_file naming a root file", "echo \"ssl_cert_file = '{secret}'\" >> postgresql.auto.conf", 0o600,
			[]string{"outside the data directory", "belongs to user 0", "--allow-outside"}},
		{"ssl_key_file naming a root file", "echo \"ssl_key_file = '{secret}'\" >> postgresql.auto.conf", 0o644,
			[]string{"outside the data directory", "belongs to user 0", "--allow-outside"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, data := rootsafeDataDir(t, o)
			secret := filepath.Join(filepath.Dir(data), "rootonly", "secret")
			if err := os.WriteFile(secret, []byte("root's secret\n"), c.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(secret, c.mode); err != nil {
				t.Fatal(err)
			}
			asPostgres(t, "cd "+data+" && "+strings.ReplaceAll(c.move, "{secret}", secret))
			before := stateOf(t, secret)
			r := runNoHang(t, "perms", "fix", "-D", data)
			for _, w := range c.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r)
				}
			}
			if r.Code != 1 || !strings.Contains(r.Stderr, "no file was changed") {
				t.Errorf("want exit 1 and nothing changed:\n%s", r)
			}
			assertSameState(t, secret, before)

			allowed := runNoHang(t, "perms", "fix", "-D", data, "--allow-outside", secret)
			if allowed.Code != 0 {
				t.Fatalf("with --allow-outside: %s", allowed)
			}
			if after := stateOf(t, secret); after.mode == before.mode && after.uid == before.uid {
				t.Errorf("with --allow-outside %s, nothing was changed", secret)
			}
		})
	}
}

// TestPermsFixOwnersFileOutside: a key outside the data directory that the
// database user owns, in a directory they may write, is theirs to change anyway:
// perms fix changes it without a flag.
func TestPermsFixOwnersFileOutside(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	keys := filepath.Join(base, "keys")
	if err := os.Mkdir(keys, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(keys, o.uid, o.gid); err != nil {
		t.Fatal(err)
	}
	asPostgres(t, "cp "+filepath.Join(data, "server.key")+" "+keys+"/db.key && chmod 0644 "+keys+"/db.key && echo \"ssl_key_file = '"+keys+"/db.key'\" >> "+data+"/postgresql.auto.conf")
	r := runNoHang(t, "perms", "fix", "-D", data)
	if r.Code != 0 || !strings.Contains(r.Stdout, "chmod 0600 "+keys+"/db.key") {
		t.Fatalf("want the key fixed:\n%s", r)
	}
}

// TestCAListReadOnly: ca list reads a CA directory it may not write, on a read-only
// filesystem and as a user who does not own it, without creating pgcert.lock.
func TestCAListReadOnly(t *testing.T) {
	requireRoot(t)
	mnt := mountTmpfs(t, 4<<20)
	caDir := filepath.Join(mnt, "ca")
	mustPgcert(t, "ca", "init", "--ca-dir", caDir)
	out := filepath.Join(mnt, "alice")
	mustPgcert(t, "ca", "issue", "client", "--user", "alice", "--ca-dir", caDir, "-o", out)
	if err := os.Remove(filepath.Join(caDir, "pgcert.lock")); err != nil {
		t.Fatal(err)
	}
	remount(t, mnt, syscall.MS_RDONLY)
	t.Cleanup(func() { remount(t, mnt, 0) })
	r := pgcert(t, "ca", "list", "--ca-dir", caDir)
	if r.Code != 0 || !strings.Contains(r.Stdout, "CN=alice") {
		t.Errorf("ca list on a read-only filesystem:\n%s", r)
	}

	// Another user's CA: the directory is root's, pgcert runs as nobody.
	other, err := os.MkdirTemp(binDir, "ca-of-root-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	if err := os.Chmod(other, 0o755); err != nil {
		t.Fatal(err)
	}
	caDir = filepath.Join(other, "ca")
	mustPgcert(t, "ca", "init", "--ca-dir", caDir)
	mustPgcert(t, "ca", "issue", "client", "--user", "bob", "--ca-dir", caDir, "-o", filepath.Join(other, "bob"))
	// pgcert makes a CA directory 0700; the admin opened it for reading.
	if err := os.Chmod(caDir, 0o755); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, caDir)
	r = pgcertOpts(t, runOpts{User: nobody}, "ca", "list", "--ca-dir", caDir)
	if r.Code != 0 || !strings.Contains(r.Stdout, "CN=bob") {
		t.Errorf("ca list as nobody on root's CA:\n%s", r)
	}
	assertUnchanged(t, caDir, before, "ca list as nobody")
}

// TestPermsFixRace: while root runs perms fix -D again and again, the database user
// swaps server.key as fast as it can between a key readable by all and a link to a
// root file. Whatever the timing, the root file is never changed.
func TestPermsFixRace(t *testing.T) {
	o := requirePostgresUser(t)
	_, data := rootsafeDataDir(t, o)
	secret := filepath.Join(filepath.Dir(data), "rootonly", "secret")
	if err := os.WriteFile(secret, []byte("root's secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, secret)
	asPostgres(t, "cd "+data+" && cp server.key key.copy")
	swapper := exec.Command("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "sh", "-c",
		"cd "+data+" && while :; do ln -sf "+secret+" l.tmp && mv -T l.tmp server.key; "+
			"cp key.copy k.tmp && chmod 0644 k.tmp && mv -T k.tmp server.key; done")
	if err := swapper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		swapper.Process.Kill()
		swapper.Wait()
	}()
	outcomes := map[string]int{}
	for range 40 {
		r := runNoHang(t, "perms", "fix", "-D", data)
		switch {
		case r.Code == 0:
			outcomes["fixed or nothing to change"]++
		case r.Code == 1 && strings.Contains(r.Stderr, "--allow-outside"):
			outcomes["refused: a root file"]++
		case r.Code == 1 && strings.Contains(r.Stderr, "changed since it was examined"):
			outcomes["refused: swapped between plan and change"]++
		case r.Code == 1:
			outcomes["failed otherwise"]++
		default:
			t.Fatalf("exit %d:\n%s", r.Code, r)
		}
	}
	t.Logf("outcomes of the runs: %v", outcomes)
	assertSameState(t, secret, before)
}
