package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hangDeadline bounds a run that must not wait for input. It is a hang detector, not
// a timing assertion: the command only reaches it if it blocks on standard input.
const hangDeadline = 30 * time.Second

// runSelf runs this test binary as pgcert (testscript.Main dispatches on the
// program name) with stdin as given.
func runSelf(t *testing.T, dir string, stdin *os.File, args ...string) (code int, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Args[0] = "pgcert"
	cmd.Dir = dir
	cmd.Stdin = stdin
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	cmd.SysProcAttr = noTTYSysProcAttr()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("pgcert %v was still running after %v: it waited for input", args, hangDeadline)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), errBuf.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, errBuf.String()
}

// TestNoTerminalNeverWaits gives pgcert a standard input that stays open and silent
// (a pipe whose writer is never closed) and no controlling terminal: a command that
// needs a passphrase and has no --passin must fail at once with a hint, not wait.
func TestNoTerminalNeverWaits(t *testing.T) {
	dir := t.TempDir()
	if code, stderr := runSelf(t, dir, nil, "key", "new", "--encrypt", "--passout", "pass:secret1", "-o", "enc.pem"); code != 0 {
		t.Fatalf("key new: exit %d: %s", code, stderr)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	for _, args := range [][]string{
		{"key", "strip", "enc.pem", "-o", "plain.pem"},
		{"key", "new", "--encrypt", "-o", "new.pem"},
	} {
		code, stderr := runSelf(t, dir, r, args...)
		if code != 1 || !strings.Contains(stderr, "pgcert: hint: give it with --pass") {
			t.Errorf("pgcert %v: exit %d, stderr %q; want exit 1 and a hint naming the flag", args, code, stderr)
		}
		if strings.Contains(stderr, "\x1b") {
			t.Errorf("pgcert %v wrote escape codes: %q", args, stderr)
		}
	}
	for _, name := range []string{"plain.pem", "new.pem"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was written", name)
		}
	}
}
