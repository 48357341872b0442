package faults

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The attacks of docs/security.md that the tests of rootsafe_test.go do not make:
// each is made as the postgres user (setpriv), then root runs pgcert, and the
// attacked file or directory must be byte- and metadata-identical afterwards.

// dirState is what must not change about an attacked directory: mode, owner and the
// time of its last change of status (any entry added, removed or renamed in it, any
// chmod or chown of it, moves that time).
type dirState struct {
	mode       uint32
	uid, gid   uint32
	ctimeNanos int64
	mtimeNanos int64
}

func stateOfDir(t *testing.T, path string) dirState {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	return dirState{st.Mode, st.Uid, st.Gid, st.Ctim.Nano(), st.Mtim.Nano()}
}

// assertDirUntouched checks the directory's own state and every entry below it.
func assertDirUntouched(t *testing.T, path string, before dirState, beforeTree tree, what string) {
	t.Helper()
	if after := stateOfDir(t, path); after != before {
		t.Errorf("%s: %s was changed: %+v, was %+v", what, path, after, before)
	}
	assertUnchanged(t, path, beforeTree, what)
}

// TestRenewSettingNamesRootFile is attack 3: ssl_crl_file, set through ALTER
// SYSTEM, names a file in a directory only root may write, beside an older .prev of
// root's. renew -D refuses, names the file, the reason and the command with
// --allow-outside, and the root directory is as it was: nothing created, the .prev
// neither removed nor replaced. With --allow-outside, the admin's word, renew
// writes it.
func TestRenewSettingNamesRootFile(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	rootonly := filepath.Join(base, "rootonly")
	evil := filepath.Join(rootonly, "evil.sh")
	if err := os.WriteFile(evil+".prev", []byte("root's file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	asPostgres(t, "echo \"ssl_crl_file = '"+evil+"'\" >> "+data+"/postgresql.auto.conf")
	dirBefore, treeBefore, prevBefore := stateOfDir(t, rootonly), snapshot(t, rootonly), stateOf(t, evil+".prev")
	caDir := filepath.Join(base, "ca")
	for _, args := range [][]string{
		{"renew", "-D", data, "--ca-dir", caDir},
		{"renew", "-D", data, "--ca-dir", caDir, "--force", "--rekey"},
		{"renew", "-D", data, "--rollback"},
	} {
		r := runNoHang(t, args...)
		out := r.Stderr
		if r.Code != 1 {
			t.Fatalf("want exit 1:\n%s", r)
		}
		want := []string{evil, "outside the data directory", "not writable by the data directory's owner", "--allow-outside " + evil}
		if args[len(args)-1] == "--rollback" {
			// The root file's .prev is judged before it is read.
			want = []string{evil + ".prev", "outside the data directory", "--allow-outside " + evil}
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, w, r)
			}
		}
		assertDirUntouched(t, rootonly, dirBefore, treeBefore, strings.Join(args, " "))
		assertSameState(t, evil+".prev", prevBefore)
	}
	if entries, _ := filepath.Glob(filepath.Join(data, "*.prev")); len(entries) != 0 {
		t.Errorf("a refused renewal wrote %v", entries)
	}

	r := runNoHang(t, "renew", "-D", data, "--ca-dir", caDir, "--allow-outside", evil)
	if r.Code != 0 {
		t.Fatalf("with --allow-outside: %s", r)
	}
	if data, err := os.ReadFile(evil); err != nil || !strings.Contains(string(data), "BEGIN X509 CRL") {
		t.Errorf("with --allow-outside, %s holds %q (%v)", evil, data, err)
	}
}

// TestRenewSettingNamesOwnersFile: a CRL file outside the data directory that the
// database user owns, in a directory they may write, is theirs to replace anyway:
// renew writes it without a flag.
func TestRenewSettingNamesOwnersFile(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	theirs := filepath.Join(base, "theirs")
	if err := os.Mkdir(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, o.uid, o.gid); err != nil {
		t.Fatal(err)
	}
	asPostgres(t, "echo \"ssl_crl_file = '"+theirs+"/root.crl'\" >> "+data+"/postgresql.auto.conf")
	r := runNoHang(t, "renew", "-D", data, "--ca-dir", filepath.Join(base, "ca"))
	if r.Code != 0 {
		t.Fatalf("want the CRL written:\n%s", r)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(theirs, "root.crl"), &st); err != nil || int(st.Uid) != o.uid {
		t.Errorf("root.crl: %v, owner %d (want %d)", err, st.Uid, o.uid)
	}
}

// TestRenewStageRace is attack 1: while root renews again and again, the database
// user swaps every staging directory renew makes for a link to a directory only
// root may write, as fast as a shell loop can. Whatever the timing, that directory
// keeps its owner, its mode and its entries: renew writes and gives away only
// through the descriptor of the directory it made.
func TestRenewStageRace(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	rootonly := filepath.Join(base, "rootonly")
	if err := os.WriteFile(filepath.Join(rootonly, "keep"), []byte("root's\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dirBefore, treeBefore := stateOfDir(t, rootonly), snapshot(t, rootonly)
	swapper := exec.Command("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "sh", "-c",
		"cd "+data+" && n=0; while :; do for d in .pgcert-renew-*; do "+
			"[ -d \"$d\" ] && [ ! -L \"$d\" ] && n=$((n+1)) && mv \"$d\" moved.$n 2>/dev/null && ln -s "+rootonly+" \"$d\"; done; done")
	if err := swapper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		swapper.Process.Kill()
		swapper.Wait()
	}()
	outcomes := map[string]int{}
	for range 25 {
		r := runNoHang(t, "renew", "-D", data, "--ca-dir", filepath.Join(base, "ca"), "--force", "--rekey")
		switch {
		case r.Code == 0:
			outcomes["renewed"]++
		case r.Code == 1:
			outcomes["refused"]++
		default:
			t.Fatalf("exit %d:\n%s", r.Code, r)
		}
	}
	swapper.Process.Kill()
	swapper.Wait()
	t.Logf("outcomes of the runs: %v", outcomes)
	assertDirUntouched(t, rootonly, dirBefore, treeBefore, "renew under the swapping race")
	moved, _ := filepath.Glob(filepath.Join(data, "moved.*"))
	for _, m := range moved {
		if entries, err := os.ReadDir(m); err != nil || len(entries) != 0 {
			t.Errorf("a stage the attacker moved away still holds %v (%v)", entries, err)
		}
	}
	if len(moved) == 0 {
		t.Logf("the swapper never caught a stage")
	}
}

// TestRollbackPrevLinkToRootFile is attack 4: root.crl.prev is made a link to a
// file inside a directory only root may read, or a regular file that is no CRL.
// renew --rollback refuses, root.crl is as it was, and the root file is untouched.
func TestRollbackPrevLinkToRootFile(t *testing.T) {
	o := requirePostgresUser(t)
	for _, c := range []struct{ name, move, want string }{
		{"link", "ln -sf {secret} root.crl.prev", "is a symbolic link"},
		{"not a CRL", "echo 'not a CRL' > root.crl.prev", "is not a CRL file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			base, data := rootsafeDataDir(t, o)
			mustPgcert(t, "renew", "-D", data, "--ca-dir", filepath.Join(base, "ca"), "--force")
			private := filepath.Join(base, "rootonly", "private")
			if err := os.Mkdir(private, 0o700); err != nil {
				t.Fatal(err)
			}
			secret := filepath.Join(private, "secret")
			if err := os.WriteFile(secret, []byte("root's secret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			asPostgres(t, "cd "+data+" && rm -f root.crl.prev && "+strings.ReplaceAll(c.move, "{secret}", secret))
			secretBefore, crlBefore := stateOf(t, secret), stateOf(t, filepath.Join(data, "root.crl"))
			r := runNoHang(t, "renew", "-D", data, "--rollback")
			if r.Code != 1 || !strings.Contains(r.Stderr, "root.crl.prev") || !strings.Contains(r.Stderr, c.want) {
				t.Errorf("want exit 1 naming root.crl.prev (%s):\n%s", c.want, r)
			}
			assertSameState(t, secret, secretBefore)
			assertSameState(t, filepath.Join(data, "root.crl"), crlBefore)
		})
	}
}

// TestConfigureOutsideRootFiles is attack 5: hba_file (through ALTER SYSTEM) names
// a root file, or postgresql.conf is made a link to one. init --configure refuses,
// names the file and the command with --allow-outside, and the root files are
// byte- and metadata-identical, with no backup beside them; with --allow-outside the
// admin's word, the file is edited.
func TestConfigureOutsideRootFiles(t *testing.T) {
	o := requirePostgresUser(t)
	for _, c := range []struct {
		name, file, content, move string
	}{
		{"hba_file", "a.conf", "# root's\nlocal all all peer\n", "echo \"hba_file = '{file}'\" >> postgresql.auto.conf"},
		{"postgresql.conf a link", "pg.conf", "# root's\nlisten_addresses = 'localhost'\n", "rm postgresql.conf && ln -s {file} postgresql.conf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			base, data := rootsafeDataDir(t, o)
			rootonly := filepath.Join(base, "rootonly")
			file := filepath.Join(rootonly, c.file)
			if err := os.WriteFile(file, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			asPostgres(t, "cd "+data+" && "+strings.ReplaceAll(c.move, "{file}", file))
			dirBefore, treeBefore, fileBefore := stateOfDir(t, rootonly), snapshot(t, rootonly), stateOf(t, file)
			args := []string{"init", "-D", data, "--ca-dir", filepath.Join(base, "ca"), "--configure", "--force"}
			r := runNoHang(t, args...)
			for _, w := range []string{file, "outside the data directory", "--allow-outside " + file} {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r)
				}
			}
			if r.Code != 1 {
				t.Errorf("want exit 1:\n%s", r)
			}
			assertSameState(t, file, fileBefore)
			assertDirUntouched(t, rootonly, dirBefore, treeBefore, "init --configure")

			allowed := runNoHang(t, append(args, "--allow-outside", file)...)
			if allowed.Code != 0 {
				t.Fatalf("with --allow-outside: %s", allowed)
			}
			if after := stateOf(t, file); string(after.data) == string(fileBefore.data) {
				t.Errorf("with --allow-outside %s, it was not edited", file)
			}
		})
	}
}

// TestKilledRenewStageRemoved is attack 6: a renew killed during its check step
// leaves its staging directory, with the new key, in the data directory, and a write
// killed before its rename a temporary file with a key's bytes. The next pgcert run
// that touches the data directory, whichever command, removes both.
func TestKilledRenewStageRemoved(t *testing.T) {
	o := requirePostgresUser(t)
	for _, c := range []struct {
		name string
		args func(base, data string) []string
	}{
		{"check", func(_, d string) []string { return []string{"check", "-D", d} }},
		{"perms check", func(_, d string) []string { return []string{"perms", "check", "-D", d} }},
		{"perms fix", func(_, d string) []string { return []string{"perms", "fix", "-D", d} }},
		{"init", func(b, d string) []string {
			return []string{"init", "-D", d, "--ca-dir", filepath.Join(b, "ca"), "--force"}
		}},
		{"selfsign", func(_, d string) []string { return []string{"selfsign", "-D", d, "--force"} }},
		{"renew", func(b, d string) []string { return []string{"renew", "-D", d, "--ca-dir", filepath.Join(b, "ca")} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			base, data := rootsafeDataDir(t, o)
			stage := killedRenewStage(t, base, data, o)
			// And the temporary file a write killed before its rename leaves, with a
			// key's bytes: no run holds its lock any more.
			tmp := filepath.Join(data, ".pgcert-tmp-killed")
			key, err := os.ReadFile(filepath.Join(data, "server.key"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(tmp, key, 0o600); err != nil {
				t.Fatal(err)
			}
			runNoHang(t, c.args(base, data)...)
			if _, err := os.Lstat(stage); !os.IsNotExist(err) {
				entries, _ := os.ReadDir(stage)
				t.Errorf("%s still holds %v after pgcert %s", stage, entries, c.name)
			}
			if _, err := os.Lstat(tmp); !os.IsNotExist(err) {
				t.Errorf("%s, a killed write's key, is still there after pgcert %s", tmp, c.name)
			}
		})
	}
}

// killedRenewStage leaves in data what a renew killed during its check step
// leaves: its staging directory, root's, mode 0711, holding the new key and
// certificate given to the database user. It kills a real renew once the key is
// staged; a run too quick to be caught is retried, and the leftover made as such a
// run makes it when none is caught.
func killedRenewStage(t *testing.T, base, data string, o dbOwner) string {
	t.Helper()
	for range 20 {
		cmd := command(t.Context(), runOpts{}, "renew", "-D", data, "--ca-dir", filepath.Join(base, "ca"), "--force", "--rekey")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		for {
			select {
			case <-done:
			default:
				if m, _ := filepath.Glob(filepath.Join(data, ".pgcert-renew-*", "server.key")); len(m) > 0 {
					cmd.Process.Kill()
					<-done
					return filepath.Dir(m[0])
				}
				continue
			}
			break
		}
	}
	t.Log("no renew was caught with its key staged; leaving the stage as a killed one does")
	stage := filepath.Join(data, ".pgcert-renew-4242")
	if err := os.Mkdir(stage, 0o711); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(data, "server.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stage, "server.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(stage, "server.key"), o.uid, o.gid); err != nil {
		t.Fatal(err)
	}
	return stage
}
