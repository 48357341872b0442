// Package e2e runs the pgcert binary the way an admin does, against real PostgreSQL
// servers and the real psql (internal/pgtest), and checks that what pgcert writes,
// predicts and reports is what the server and libpq then do.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"

	// The tests run the binary they build with go build, which go test's cache
	// cannot see: importing the command's code ties the cached result to it, so
	// a change to pgcert runs these tests again instead of replaying a pass.
	_ "github.com/pgcert/pgcert/internal/cli"
)

// pgcertBin is the pgcert binary built once for all tests.
var pgcertBin string

// runTimeout bounds one pgcert run; none takes more than a second or two.
const runTimeout = 2 * time.Minute

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp(searchableTempDir(), "pgcert-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	// The server user runs the binary in some tests.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	pgcertBin = filepath.Join(dir, "pgcert")
	build := exec.Command("go", "build", "-o", pgcertBin, "github.com/pgcert/pgcert/cmd/pgcert")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/pgcert: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// searchableTempDir is the temporary directory when every user can reach it, else
// /tmp (a TMPDIR under /root would keep the server user out).
func searchableTempDir() string {
	dir := os.TempDir()
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

// result is what one pgcert run did.
type result struct {
	Stdout, Stderr string
	Code           int
}

// pgcert runs the pgcert binary as the current user.
func pgcert(t testing.TB, args ...string) result {
	t.Helper()
	return runPgcert(t, nil, args...)
}

// pgcertAs runs the pgcert binary as the OS user u, with u's groups.
func pgcertAs(t testing.TB, u pgtest.User, args ...string) result {
	t.Helper()
	return runPgcert(t, &u, args...)
}

func runPgcert(t testing.TB, u *pgtest.User, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgcertBin, args...)
	home := t.TempDir()
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "NO_COLOR=1", "LC_ALL=C"}
	if u != nil && u.UID != os.Geteuid() {
		groups := make([]uint32, len(u.Groups))
		for i, g := range u.Groups {
			groups[i] = uint32(g)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID), Groups: groups}}
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/", "NO_COLOR=1", "LC_ALL=C"}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("pgcert %v: %v", args, err)
	}
	t.Logf("pgcert %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.Code, r.Stdout, r.Stderr)
	return r
}
