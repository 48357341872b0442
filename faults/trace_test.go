package faults

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// A trace is what strace saw a run do to files: every file created (by an open with
// O_CREAT) with the mode asked for, every rename and hard link, every mode change.
// The mode asked for at creation is exact: it is the open's own argument, not a
// look at the file some time after (which a short 0644-then-chmod window escapes).
type trace struct {
	creates []fileCreate
	moves   map[string][]string // new path -> the paths renamed or linked to it
	chmods  []fileChmod
}

type fileCreate struct {
	path  string
	flags string
	mode  os.FileMode
}

type fileChmod struct {
	path string
	mode os.FileMode
}

// straceCalls are the system calls a trace records: every way Linux creates,
// renames, links or changes the mode of a file ("?": a call this strace may not
// know yet, left out without an error).
const straceCalls = "open,openat,?openat2,creat,rename,renameat,renameat2,link,linkat,chmod,fchmod,fchmodat,?fchmodat2"

// tracedPgcert runs pgcert under strace -ff (a file per thread, so that no call is
// split across lines) with -y (descriptors shown as the paths they hold).
func tracedPgcert(t *testing.T, args ...string) (result, *trace) {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		testenv.Missing(t, "strace not found in PATH: the creation of key files cannot be traced")
	}
	out := filepath.Join(t.TempDir(), "trace")
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := command(ctx, runOpts{}, args...)
	cmd.Args = append([]string{strace, "-ff", "-qq", "-y", "-e", "signal=none", "-e", "trace=" + straceCalls, "-o", out, "--", pgcertBin}, args...)
	cmd.Path = strace
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("strace pgcert %v: %v\n%s", args, err, stderr.String())
	}
	t.Logf("%s", r)
	noCrash(t, r)
	files, err := filepath.Glob(out + ".*")
	if err != nil || len(files) == 0 {
		t.Fatalf("strace wrote no trace (%v): %s", err, r)
	}
	tr := &trace{moves: map[string][]string{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if err := tr.add(line); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
	return r, tr
}

var (
	// A descriptor as -y shows it: AT_FDCWD</dir> or 3</dir>.
	fdArg   = `(?:AT_FDCWD|-?\d+)(?:<([^>]*)>)?`
	openRe  = regexp.MustCompile(`^(?:open|openat|openat2|creat)\((?:` + fdArg + `, )?"([^"]*)"(?:, (O_[A-Z0-9_|]+))?(?:, (0[0-7]*))?.*\) = \d+(?:<([^>]*)>)?$`)
	moveRe  = regexp.MustCompile(`^(?:rename|renameat|renameat2|link|linkat)\((?:` + fdArg + `, )?"([^"]*)", (?:` + fdArg + `, )?"([^"]*)".*\) = 0$`)
	fchmodR = regexp.MustCompile(`^fchmod\(\d+<([^>]*)>, (0[0-7]*)\) = 0$`)
	chmodRe = regexp.MustCompile(`^(?:chmod|fchmodat|fchmodat2)\((?:` + fdArg + `, )?"([^"]*)", (0[0-7]*).*\) = 0$`)
)

// resolve makes a path argument absolute against the directory of its descriptor.
func resolve(dir, path string) string {
	if filepath.IsAbs(path) || dir == "" {
		return filepath.Clean(path)
	}
	return filepath.Join(strings.TrimSuffix(dir, " (deleted)"), path)
}

func octal(s string) (os.FileMode, error) {
	n, err := strconv.ParseUint(s, 8, 32)
	return os.FileMode(n) & os.ModePerm, err
}

// add records one line of strace's output; failed calls change nothing and are
// left out.
func (tr *trace) add(line string) error {
	switch {
	case strings.HasPrefix(line, "open") || strings.HasPrefix(line, "creat"):
		m := openRe.FindStringSubmatch(line)
		if m == nil {
			if strings.Contains(line, "O_CREAT") && !strings.Contains(line, ") = -1") {
				return errors.New("an open with O_CREAT not understood: " + line)
			}
			return nil
		}
		flags, modeArg := m[3], m[4]
		if !strings.Contains(flags, "O_CREAT") && !strings.HasPrefix(line, "creat(") {
			if strings.Contains(line, "O_CREAT") {
				// openat2's flags are in a structure: a creation this parser
				// would miss.
				return errors.New("an open with O_CREAT not understood: " + line)
			}
			return nil
		}
		mode, err := octal(modeArg)
		if err != nil {
			return errors.New("no mode in " + line)
		}
		path := resolve(m[1], m[2])
		if m[5] != "" {
			path = strings.TrimSuffix(m[5], " (deleted)")
		}
		tr.creates = append(tr.creates, fileCreate{path: path, flags: flags, mode: mode})
	case strings.HasPrefix(line, "rename") || strings.HasPrefix(line, "link"):
		if m := moveRe.FindStringSubmatch(line); m != nil {
			to := resolve(m[3], m[4])
			tr.moves[to] = append(tr.moves[to], resolve(m[1], m[2]))
		}
	case strings.HasPrefix(line, "fchmod("):
		if m := fchmodR.FindStringSubmatch(line); m != nil {
			mode, err := octal(m[2])
			if err != nil {
				return err
			}
			tr.chmods = append(tr.chmods, fileChmod{path: strings.TrimSuffix(m[1], " (deleted)"), mode: mode})
		}
	case strings.HasPrefix(line, "chmod") || strings.HasPrefix(line, "fchmodat"):
		if m := chmodRe.FindStringSubmatch(line); m != nil {
			mode, err := octal(m[3])
			if err != nil {
				return err
			}
			tr.chmods = append(tr.chmods, fileChmod{path: resolve(m[1], m[2]), mode: mode})
		}
	}
	return nil
}

// origins returns path and every path renamed or linked to it, transitively: the
// names under which its content was before it got there.
func (tr *trace) origins(path string) map[string]bool {
	seen := map[string]bool{path: true}
	todo := []string{path}
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		for _, from := range tr.moves[p] {
			if !seen[from] {
				seen[from] = true
				todo = append(todo, from)
			}
		}
	}
	return seen
}

// TestKeysNeverReadableByOthers traces every command that writes a private key. The
// file that becomes each key (its temporary file, renamed into place) must be
// created with a mode that gives group and others nothing, and no mode change may
// ever give them anything: then no key is readable by others for a moment, whatever
// the umask. A build that creates a key 0644 and narrows it after fails here.
func TestKeysNeverReadableByOthers(t *testing.T) {
	w := world(t)
	keys, commands := 0, 0
	for _, wr := range writers() {
		if len(wr.keys) == 0 {
			continue
		}
		commands++
		t.Run(wr.name, func(t *testing.T) {
			d := freshWorld(t, w)
			r, tr := tracedPgcert(t, wr.args(d)...)
			if r.Code != 0 {
				t.Fatalf("%s", r)
			}
			for _, k := range wr.keys {
				final := filepath.Join(d, k)
				fi, err := os.Stat(final)
				if err != nil {
					t.Fatalf("no key at %s: %v", k, err)
				}
				if fi.Mode().Perm()&0o077 != 0 {
					t.Errorf("%s has mode %04o", k, fi.Mode().Perm())
				}
				names := tr.origins(final)
				created := 0
				for _, c := range tr.creates {
					if !names[c.path] {
						continue
					}
					created++
					if c.mode&0o077 != 0 {
						t.Errorf("%s was created as %s with mode %04o (%s): readable by others until it was narrowed", k, c.path, c.mode, c.flags)
					}
				}
				if created == 0 {
					t.Errorf("no creation of %s was traced (its names: %v)", k, names)
				}
				for _, c := range tr.chmods {
					if names[c.path] && c.mode&0o077 != 0 {
						t.Errorf("%s: its file %s was given mode %04o", k, c.path, c.mode)
					}
				}
				keys++
			}
			// Every temporary file, key or not, starts no more open than its final
			// mode: none is writable by others.
			for _, c := range tr.creates {
				if strings.HasPrefix(filepath.Base(c.path), tempPrefix) && c.mode&0o022 != 0 {
					t.Errorf("%s was created writable by others (%04o)", c.path, c.mode)
				}
			}
		})
	}
	t.Logf("the creation of %d keys traced, written by %d commands", keys, commands)
	if commands < minKeyCommands {
		t.Errorf("%d commands that write keys traced; the README says %d", commands, minKeyCommands)
	}
}

// minKeyCommands is the README's count of the commands that write private keys,
// every one of which TestKeysNeverReadableByOthers traces.
const minKeyCommands = 15

// TestTraceParse reads lines as strace -y prints them: creations with their modes
// (descriptor-relative ones too), renames, links and mode changes, and refuses a
// creation it cannot read rather than miss it.
func TestTraceParse(t *testing.T) {
	tr := &trace{moves: map[string][]string{}}
	for _, line := range []string{
		`openat(AT_FDCWD</>, "/d/.pgcert-tmp-1", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600) = 3</d/.pgcert-tmp-1>`,
		`openat(5</d/sub>, ".pgcert-tmp-2", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644) = 6`,
		`creat("/d/old", 0640) = 7</d/old>`,
		`openat(AT_FDCWD</>, "/d/x.crt", O_RDONLY|O_CLOEXEC) = 3</d/x.crt>`,
		`openat(AT_FDCWD</>, "/d/gone", O_WRONLY|O_CREAT, 0666) = -1 EACCES (Permission denied)`,
		`renameat(AT_FDCWD</>, "/d/.pgcert-tmp-1", AT_FDCWD</>, "/d/server.key") = 0`,
		`renameat2(5</d/sub>, ".pgcert-tmp-2", 5</d/sub>, "k.key", RENAME_NOREPLACE) = 0`,
		`linkat(AT_FDCWD</>, "/d/server.key", AT_FDCWD</>, "/d/server.key.prev", 0) = 0`,
		`fchmod(3</d/.pgcert-tmp-1>, 0640) = 0`,
		`fchmodat(AT_FDCWD</>, "/d/sub/k.key", 0600) = 0`,
		`+++ exited with 0 +++`,
	} {
		if err := tr.add(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	want := []fileCreate{
		{"/d/.pgcert-tmp-1", "O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC", 0o600},
		{"/d/sub/.pgcert-tmp-2", "O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC", 0o644},
		{"/d/old", "", 0o640},
	}
	if !slices.Equal(tr.creates, want) {
		t.Errorf("creates %+v, want %+v", tr.creates, want)
	}
	if o := tr.origins("/d/server.key.prev"); !o["/d/server.key"] || !o["/d/.pgcert-tmp-1"] || len(o) != 3 {
		t.Errorf("origins of server.key.prev: %v", o)
	}
	if o := tr.origins("/d/sub/k.key"); !o["/d/sub/.pgcert-tmp-2"] || len(o) != 2 {
		t.Errorf("origins of k.key: %v", o)
	}
	wantChmods := []fileChmod{{"/d/.pgcert-tmp-1", 0o640}, {"/d/sub/k.key", 0o600}}
	if !slices.Equal(tr.chmods, wantChmods) {
		t.Errorf("chmods %+v, want %+v", tr.chmods, wantChmods)
	}
	bad := `openat2(AT_FDCWD</>, "/d/k", {flags=O_WRONLY|O_CREAT|O_EXCL, mode=0644, resolve=RESOLVE_BENEATH}, 24) = 3</d/k>`
	if err := tr.add(bad); err == nil {
		t.Errorf("an openat2 creation was passed over: %s", bad)
	}
}
