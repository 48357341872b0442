package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"

	// The tests run the binary they build with go build, which go test's cache
	// cannot see: importing the command's code ties the cached result to it, so
	// a change to pgcert runs these tests again instead of replaying a pass.
	_ "github.com/pgcert/pgcert/internal/cli"
)

// binDir holds the pgcert binary built once for all tests, and the fixtures of
// world.go; every user can reach it, since some tests run the binary as nobody.
var (
	binDir    string
	pgcertBin string
)

// testPass is the passphrase of the encrypted fixtures, given to pgcert as
// env:PGCERT_PASS. It is long and unusual so that finding it in any output is proof
// of a leak, never a coincidence.
const testPass = "Faults-Pass-7Q3xZ9-unlikely"

// runTimeout bounds one pgcert run; none takes more than a second or two, and a hung
// run must fail the test rather than the whole suite's timeout.
const runTimeout = 2 * time.Minute

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("/tmp", "pgcert-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	binDir = dir
	pgcertBin = filepath.Join(dir, "pgcert")
	build := exec.Command("go", "build", "-o", pgcertBin, "github.com/pgcert/pgcert/cmd/pgcert")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: go build ./cmd/pgcert: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if testing.Verbose() {
		// The figures of the README's reliability section.
		fmt.Printf("faults: %d runs met a full disk, %d runs were killed mid-work, %d runs read a bad input\n",
			diskFullRuns.Load(), kills.Load(), corpusRuns.Load())
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// runOpts says how to run pgcert beyond its arguments.
type runOpts struct {
	// Env is added to the base environment (PATH, HOME, NO_COLOR, LC_ALL and
	// PGCERT_PASS=testPass).
	Env []string
	// Stdin is the standard input; nil means /dev/null.
	Stdin io.Reader
	// User runs pgcert as another user (root only).
	User *syscall.Credential
}

// result is what one pgcert run did.
type result struct {
	Args           []string
	Stdout, Stderr string
	Code           int
}

func (r result) String() string {
	return fmt.Sprintf("pgcert %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.Args, " "), r.Code, r.Stdout, r.Stderr)
}

// pgcert runs the pgcert binary as the current user.
func pgcert(t testing.TB, args ...string) result {
	t.Helper()
	return pgcertOpts(t, runOpts{}, args...)
}

// mustPgcert runs pgcert and fails the test unless it exits 0.
func mustPgcert(t testing.TB, args ...string) result {
	t.Helper()
	r := pgcert(t, args...)
	if r.Code != 0 {
		t.Fatalf("%s", r)
	}
	return r
}

func baseEnv() []string {
	return []string{"PATH=/usr/bin:/bin", "HOME=" + binDir, "NO_COLOR=1", "LC_ALL=C", "PGCERT_PASS=" + testPass}
}

func command(ctx context.Context, o runOpts, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, pgcertBin, args...)
	cmd.Dir = "/"
	cmd.Env = append(baseEnv(), o.Env...)
	cmd.Stdin = o.Stdin
	if o.User != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.User}
	}
	return cmd
}

func pgcertOpts(t testing.TB, o runOpts, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := command(ctx, o, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("pgcert %v: %v\n%s", args, err, stderr.String())
	}
	t.Logf("%s", r)
	noCrash(t, r)
	return r
}

// noCrash fails the test when a run printed a Go panic or stack trace, or died of a
// signal pgcert did not ask for.
func noCrash(t testing.TB, r result) {
	t.Helper()
	for _, s := range []string{"panic:", "goroutine ", "runtime error", "fatal error:"} {
		if strings.Contains(r.Stdout, s) || strings.Contains(r.Stderr, s) {
			t.Fatalf("a Go crash (%q) in the output of %s", s, r)
		}
	}
}

// requireRoot skips a test that needs root, or fails it under CI=true, where the
// suite runs as root.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Missing(t, "this test needs root (to mount a tmpfs, remount it read-only or run as another user)")
	}
}

// nobody is the unprivileged user some tests run pgcert as.
var nobody = &syscall.Credential{Uid: 65534, Gid: 65534}
