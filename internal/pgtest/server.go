package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// StartWait is how long Start lets pg_ctl wait for the server to accept connections; a
// server that has not started by then is reported as failed to start.
const StartWait = time.Minute

// ReloadWait is how long Reload waits for the server to take a reload signal.
const ReloadWait = 30 * time.Second

// startAttempts bounds Start's retries after another process took the cluster's port.
const startAttempts = 5

// reloadLine is what the postmaster logs, at LOG level, when it takes SIGHUP.
const reloadLine = "received SIGHUP, reloading configuration files"

// StartError is a server that did not start, with what it logged while trying: tests
// match its FATAL messages, such as `private key file "server.key" has group or world
// access`.
type StartError struct {
	Err error  // pg_ctl's failure
	Log string // the server log written during this start
}

func (e *StartError) Error() string {
	return fmt.Sprintf("pgtest: server did not start: %v\nserver log:\n%s", e.Err, e.Log)
}

func (e *StartError) Unwrap() error { return e.Err }

func (c *Cluster) serverCommand(ctx context.Context, prog string, args ...string) *exec.Cmd {
	return command(ctx, c.Install.ServerUser, c.Base, cleanEnv("HOME="+c.Base), filepath.Join(c.Install.BinDir, prog), args...)
}

func (c *Cluster) pgctl(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	args = append(args, "-s", "-D", c.DataDir)
	_, _, err := run(c.serverCommand(ctx, "pg_ctl", args...))
	return err
}

// Start starts the server with pg_ctl, logging to LogFile, and returns once it accepts
// connections. When it does not start, the error is a *StartError holding what the
// server logged. When another process took the port since NewCluster chose it, Start
// tries again on another port.
func (c *Cluster) Start() error {
	wait := strconv.Itoa(int(StartWait / time.Second))
	for attempt := 1; ; attempt++ {
		mark := c.LogMark()
		err := c.pgctl("start", "-w", "-t", wait, "-l", c.LogFile, "-o", "-p "+strconv.Itoa(c.Port()))
		if err == nil {
			c.mu.Lock()
			c.running = true
			c.mu.Unlock()
			return nil
		}
		log := c.LogSince(mark)
		if attempt < startAttempts && strings.Contains(log, "Address already in use") {
			port, perr := freePort()
			if perr != nil {
				return perr
			}
			c.mu.Lock()
			c.port = port
			c.mu.Unlock()
			continue
		}
		return &StartError{Err: err, Log: log}
	}
}

// MustStart is Start, failing the test when the server does not start.
func (c *Cluster) MustStart(t testing.TB) {
	t.Helper()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
}

// Stop stops the server with a fast shutdown (clients are disconnected, nothing is left
// to recover) and waits until it is gone. A cluster still running when its test ends is
// stopped anyway.
func (c *Cluster) Stop() error {
	if err := c.pgctl("stop", "-w", "-t", strconv.Itoa(int(StartWait/time.Second)), "-m", "fast"); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	c.mu.Lock()
	c.running = false
	c.mu.Unlock()
	return nil
}

// Running reports whether Start succeeded and Stop has not been called since.
func (c *Cluster) Running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.running
}

// Reload makes the server read its configuration files again (pg_ctl reload) and
// returns once it has: it waits for the server to log that it took the signal, then
// connects over the unix socket, which the server accepts only after the reload is
// done. So when Reload returns, what the reload logged (such as "SSL configuration was
// not reloaded") is in the log, and new connections see the new SSL files.
func (c *Cluster) Reload() error {
	before := strings.Count(c.Log(), reloadLine)
	if err := c.pgctl("reload"); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	deadline := time.Now().Add(ReloadWait)
	for strings.Count(c.Log(), reloadLine) <= before {
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: the server did not log %q within %v of pg_ctl reload", reloadLine, ReloadWait)
		}
		time.Sleep(logPoll)
	}
	if _, _, err := c.Psql(c.SocketConnInfo(), "select 1"); err != nil {
		return fmt.Errorf("pgtest: after reload: %w", err)
	}
	return nil
}

// cleanup stops whatever server runs on the data directory, whether or not Start
// reported success, and shows the server log of a failed test.
func (c *Cluster) cleanup(t testing.TB) {
	if t.Failed() {
		t.Logf("pgtest: server log %s (last 8 KiB):\n%s", c.LogFile, tail(c.Log(), 8<<10))
	}
	pidFile := c.Path("postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	err = c.pgctl("stop", "-w", "-t", "30", "-m", "immediate")
	if err == nil {
		return
	}
	t.Logf("pgtest: pg_ctl stop failed, killing the server: %v", err)
	first, _, _ := strings.Cut(string(data), "\n")
	if pid, err := strconv.Atoi(strings.TrimSpace(first)); err == nil && pid > 0 {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("pgtest: kill server %d: %v", pid, err)
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
