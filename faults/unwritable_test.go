package faults

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failsNaming checks that a run failed with exit 1 and an error line that names a
// path below d and says want (any of them).
func failsNaming(t *testing.T, r result, d string, want ...string) {
	t.Helper()
	if r.Code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	m := errorLine.FindStringSubmatch(r.Stderr)
	if m == nil || !strings.Contains(m[1], d+"/") {
		t.Fatalf("want an error naming a file in %s: %s", d, r)
	}
	for _, w := range want {
		if strings.Contains(m[1], w) {
			return
		}
	}
	t.Fatalf("want an error saying %q: %s", want, r)
}

// TestReadOnlyFilesystem runs every writing command on a tmpfs remounted read-only:
// as root, where permission bits stop nothing, this is how a directory that may not
// be written looks. Each run fails with exit 1, names the file it could not write,
// and changes nothing.
func TestReadOnlyFilesystem(t *testing.T) {
	requireRoot(t)
	w := world(t)
	mnt := mountTmpfs(t, 2<<20)
	d := filepath.Join(mnt, "w")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	copyTree(t, w, d)
	remount(t, mnt, syscall.MS_RDONLY)
	before := snapshot(t, d)
	for _, wr := range writers() {
		t.Run(wr.name, func(t *testing.T) {
			r := pgcert(t, wr.args(d)...)
			failsNaming(t, r, d, "read-only file system")
			if !strings.Contains(r.Stderr, "pgcert: hint: ") {
				t.Errorf("no hint: %s", r)
			}
			assertUnchanged(t, d, before, wr.name)
		})
	}
}

// TestUnwritableDirectory runs every writing command as nobody on a copy of the
// world that nobody owns, except the directories the command writes its results
// to, which belong to root with mode 0755. Each run fails with exit 1, names the
// file and says permission denied, with the hint; and changes nothing but the CA's
// records (as on a full disk: see caRecordsOnly).
func TestUnwritableDirectory(t *testing.T) {
	requireRoot(t)
	w := world(t)
	for _, wr := range writers() {
		t.Run(wr.name, func(t *testing.T) {
			t.Parallel()
			d := filepath.Join(scratchDir(t), "w")
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			copyTree(t, w, d)
			chownTree(t, d, int(nobody.Uid), int(nobody.Gid))
			for _, o := range wr.outputs {
				// The directory the result goes in, and every directory of the
				// command's own making above it.
				for dir := filepath.Dir(filepath.Join(d, o)); ; dir = filepath.Dir(dir) {
					if _, err := os.Stat(dir); err != nil {
						continue
					}
					if err := os.Chown(dir, 0, 0); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			before := snapshot(t, d)
			r := pgcertOpts(t, runOpts{User: nobody}, wr.args(d)...)
			// perms fix says first that only root may give a key to root.
			failsNaming(t, r, d, "permission denied", "only root can")
			if !strings.Contains(r.Stderr, "pgcert: hint: ") {
				t.Errorf("no hint: %s", r)
			}
			checkNothingChanged(t, wr, d, before)
		})
	}
}

// scratchDir returns a new directory every user can reach (t.TempDir may lie below
// a directory only root may enter).
func scratchDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp(binDir, "scratch-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// chownTree gives everything below root (root included) to uid and gid.
func chownTree(t *testing.T, root string, uid, gid int) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutputIsADirectory gives every command a directory where its result should
// go: each fails with exit 1 and an error naming it, and changes nothing.
func TestOutputIsADirectory(t *testing.T) {
	w := world(t)
	for _, wr := range writers() {
		if wr.meta {
			continue
		}
		t.Run(wr.name, func(t *testing.T) {
			t.Parallel()
			d := freshWorld(t, w)
			target := filepath.Join(d, wr.outputs[0])
			if err := os.RemoveAll(target); err != nil {
				t.Fatal(err)
			}
			if wr.name == "crl dir" {
				// Its output is a directory: a file stands there instead.
				if err := os.WriteFile(target, []byte("a file"), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, d)
			r := pgcert(t, wr.args(d)...)
			failsNaming(t, r, d, "is a directory", "not a directory", "already exists", "already holds a CA")
			if strings.Contains(r.Stderr, "already exists") && strings.Contains(r.Stderr, "add --force") {
				t.Errorf("the hint says --force, which cannot replace a directory: %s", r)
			}
			checkNothingChanged(t, wr, d, before)
		})
	}
}

// TestMissingOutputDirectory points every command's results into a directory that
// does not exist. A command that makes its output directory (ca init, ca issue
// client, crl dir, init) succeeds; every other one fails with exit 1, names the
// path, and changes nothing.
func TestMissingOutputDirectory(t *testing.T) {
	w := world(t)
	for _, wr := range writers() {
		if wr.outDir != "out" {
			continue
		}
		t.Run(wr.name, func(t *testing.T) {
			t.Parallel()
			d := freshWorld(t, w)
			var args []string
			for _, a := range wr.args(d) {
				args = append(args, strings.Replace(a, d+"/out/", d+"/missing/sub/", 1))
			}
			before := snapshot(t, d)
			r := pgcert(t, args...)
			if r.Code == 0 {
				if !makesItsDirectory[wr.name] {
					t.Fatalf("succeeded: %s", r)
				}
				return
			}
			failsNaming(t, r, d, "no such file or directory", "does not exist")
			if !strings.Contains(r.Stderr, "pgcert: hint: the directory "+d+"/missing/sub does not exist") {
				t.Errorf("no hint naming the missing directory: %s", r)
			}
			checkNothingChanged(t, wr, d, before)
		})
	}
}

// makesItsDirectory lists the commands whose output is a directory they make.
var makesItsDirectory = map[string]bool{
	"ca init": true, "ca init --intermediate": true, "ca issue client": true, "crl dir": true, "init": true,
}

// TestNoClobber runs every command twice: the second run, without --force, must
// refuse to replace what the first wrote, say so and how to do it anyway, and change
// nothing. Read-only outputs (mode 0444) are refused the same way.
func TestNoClobber(t *testing.T) {
	w := world(t)
	for _, wr := range writers() {
		// ca revoke changes the index; ca renew client replaces the bundle it
		// renews: neither has an output that may not be replaced.
		if wr.meta || hasArg(wr.args("/"), "--force") || wr.name == "ca revoke" || wr.name == "ca renew client" {
			continue
		}
		t.Run(wr.name, func(t *testing.T) {
			t.Parallel()
			d := freshWorld(t, w)
			mustPgcert(t, wr.args(d)...)
			for _, o := range wr.outputs {
				filepath.WalkDir(filepath.Join(d, o), func(p string, e fs.DirEntry, err error) error {
					if err == nil && e.Type().IsRegular() {
						os.Chmod(p, 0o444)
					}
					return nil
				})
			}
			before := snapshot(t, d)
			r := pgcert(t, wr.args(d)...)
			if r.Code == 0 && wr.name == "crl dir" {
				// It leaves files of identical content as they are, and says so.
				if !strings.Contains(r.Stdout, "unchanged") {
					t.Errorf("a rerun did not say the files are unchanged: %s", r)
				}
				assertUnchanged(t, d, before, "a rerun")
				return
			}
			failsNaming(t, r, d, "already exists", "already holds", "exist")
			if !strings.Contains(r.Stderr, "--force") && !strings.Contains(r.Stderr, "another") {
				t.Errorf("the refusal does not say how to replace or where else to write: %s", r)
			}
			assertUnchanged(t, d, before, "a refused run")
		})
	}
}

func hasArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}
