package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
)

// ptyDeadline bounds a whole conversation. It is not a timing assertion: a
// conversation that does not finish by then has hung, and the script fails instead of
// blocking the test run.
const ptyDeadline = 60 * time.Second

// cursorQuery is the terminal's "where is the cursor?" request (DSR); survey sends
// it before every answer it reads and waits for the reply a real terminal gives.
var cursorQuery = []byte("\x1b[6n")

// ansi matches escape sequences, removed from the transcript before `expect`
// patterns are matched, so that scripts read like what a person sees.
var ansi = regexp.MustCompile(`\x1b(\[[0-9;?]*[a-zA-Z]|[78])`)

// cmdPty runs a command on a pseudo-terminal and holds a conversation with it,
// like expect(1). Usage:
//
//	pty [-status=N] CONVERSATION CMD [ARGS...]
//
// The terminal is the command's controlling terminal and its standard input;
// standard output and error go to the files pty.stdout and pty.stderr in $WORK, the
// terminal's transcript (escape sequences removed) to pty.tty. CONVERSATION is a file
// of lines `expect REGEXP` (wait until the terminal shows a match after the previous
// one) and `send TEXT` (type TEXT; Go escapes such as \r and \x03 are decoded).
// Cursor-position queries are answered as a terminal would. The command must exit
// with status N (default 0).
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("use pty -status=N instead of ! pty")
	}
	wantStatus := 0
	if len(args) > 0 && strings.HasPrefix(args[0], "-status=") {
		n, err := strconv.Atoi(strings.TrimPrefix(args[0], "-status="))
		ts.Check(err)
		wantStatus, args = n, args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: pty [-status=N] CONVERSATION CMD [ARGS...]")
	}
	steps := parseConversation(ts, ts.ReadFile(args[0]))
	path := lookPath(ts, args[1])

	ctx, cancel := context.WithTimeout(context.Background(), ptyDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args[2:]...)
	cmd.Args[0] = args[1]
	cmd.Dir = ts.Getenv("WORK")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "PGCERT_CA_DIR", "PGCERT_NO_INPUT", "NO_COLOR"} {
		if v := ts.Getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, "TERM=xterm")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	ctrl, tty, err := pty.Open()
	ts.Check(err)
	defer ctrl.Close()
	pty.Setsize(ctrl, &pty.Winsize{Rows: 40, Cols: 120})
	cmd.Stdin = tty
	cmd.SysProcAttr = ttySysProcAttr()
	ts.Check(cmd.Start())
	tty.Close()

	t := &transcript{changed: make(chan struct{}, 1)}
	go t.read(ctrl)

	for _, s := range steps {
		if s.send != "" {
			_, err := ctrl.Write([]byte(s.send))
			ts.Check(err)
			continue
		}
		if !t.waitFor(ctx, s.expect) {
			cmd.Process.Kill()
			ts.Fatalf("pty: no %q on the terminal; it shows:\n%s", s.expect, t.text())
		}
	}
	err = cmd.Wait()
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("pty: %v", err)
	}
	work := ts.Getenv("WORK")
	ts.Check(os.WriteFile(filepath.Join(work, "pty.stdout"), stdout.Bytes(), 0o644))
	ts.Check(os.WriteFile(filepath.Join(work, "pty.stderr"), stderr.Bytes(), 0o644))
	ts.Check(os.WriteFile(filepath.Join(work, "pty.tty"), []byte(t.text()), 0o644))
	ts.Logf("[pty]\n%s\n[stdout]\n%s[stderr]\n%s", t.text(), stdout.String(), stderr.String())
	if got != wantStatus {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, wantStatus)
	}
}

type step struct {
	expect *regexp.Regexp
	send   string
}

func parseConversation(ts *testscript.TestScript, text string) []step {
	var steps []step
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch verb {
		case "expect":
			re, err := regexp.Compile(arg)
			ts.Check(err)
			steps = append(steps, step{expect: re})
		case "send":
			s, err := strconv.Unquote(`"` + arg + `"`)
			if err != nil {
				ts.Fatalf("bad send line %q: %v", line, err)
			}
			steps = append(steps, step{send: s})
		default:
			ts.Fatalf("unknown conversation line %q", line)
		}
	}
	return steps
}

func lookPath(ts *testscript.TestScript, name string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	ts.Fatalf("%s not found in $PATH", name)
	return ""
}

// transcript collects what the terminal shows and answers cursor queries.
type transcript struct {
	mu      sync.Mutex
	raw     []byte
	matched int // offset into the cleaned text after the last expect match
	changed chan struct{}
}

func (t *transcript) read(ctrl *os.File) {
	buf := make([]byte, 4096)
	for {
		n, err := ctrl.Read(buf)
		if n > 0 {
			t.mu.Lock()
			before := bytes.Count(t.raw, cursorQuery)
			t.raw = append(t.raw, buf[:n]...)
			after := bytes.Count(t.raw, cursorQuery)
			t.mu.Unlock()
			for range after - before {
				ctrl.Write([]byte("\x1b[1;1R"))
			}
			select {
			case t.changed <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

func (t *transcript) text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ansi.ReplaceAllString(string(t.raw), "")
}

func (t *transcript) waitFor(ctx context.Context, re *regexp.Regexp) bool {
	for {
		text := t.text()
		t.mu.Lock()
		from := min(t.matched, len(text))
		t.mu.Unlock()
		if loc := re.FindStringIndex(text[from:]); loc != nil {
			t.mu.Lock()
			t.matched = from + loc[1]
			t.mu.Unlock()
			return true
		}
		select {
		case <-t.changed:
		case <-ctx.Done():
			return false
		}
	}
}
