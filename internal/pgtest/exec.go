package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// CommandTimeout bounds every initdb, pg_ctl and postgres command, so that a server that
// hangs fails the test instead of hanging CI. initdb takes a second or two and pg_ctl
// waits at most StartWait for the server; two minutes leaves room for a loaded machine.
const CommandTimeout = 2 * time.Minute

// PsqlTimeout bounds every psql run that has no deadline of its own. psql's connection
// attempt is bounded separately by PGCONNECT_TIMEOUT.
const PsqlTimeout = time.Minute

// command prepares name to run as u: directly when u is the current user, else with
// u's uid, gid and supplementary groups (so the server user keeps its membership of
// ssl-cert, which Debian's root-owned 0640 keys rely on). It runs in dir, because the
// test's own directory may be one u cannot enter.
func command(ctx context.Context, u User, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	// A server left behind by a killed pg_ctl could hold the output pipes open; never
	// wait on them for long.
	cmd.WaitDelay = 5 * time.Second
	if u.UID != os.Geteuid() {
		groups := make([]uint32, len(u.Groups))
		for i, g := range u.Groups {
			groups[i] = uint32(g)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
			Uid: uint32(u.UID), Gid: uint32(u.GID), Groups: groups,
		}}
	}
	return cmd
}

// run runs cmd and returns its stdout and stderr, with an error that quotes both when
// it fails.
func run(cmd *exec.Cmd) (string, string, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = &CommandError{Args: cmd.Args, Err: err, Stdout: stdout.String(), Stderr: stderr.String()}
	}
	return stdout.String(), stderr.String(), err
}

// CommandError is a failed external command with what it printed.
type CommandError struct {
	Args           []string
	Err            error
	Stdout, Stderr string
}

func (e *CommandError) Error() string {
	msg := fmt.Sprintf("%s: %v", strings.Join(e.Args, " "), e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += "\nstderr: " + s
	}
	if s := strings.TrimSpace(e.Stdout); s != "" {
		msg += "\nstdout: " + s
	}
	return msg
}

func (e *CommandError) Unwrap() error { return e.Err }

// cleanEnv is the environment without anything that steers PostgreSQL's programs (PG*
// variables such as PGDATA, PGPORT, PGSSLROOTCERT) or translates their messages, so
// tests can match the server's and libpq's English text.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" || name == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "LC_ALL=C"), extra...)
}
