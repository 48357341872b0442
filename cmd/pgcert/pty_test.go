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
//	pty [-status=N] [-stdout-tty] [-stderr-tty] CONVERSATION CMD [ARGS...]
//
// The terminal is the command's controlling terminal and its standard input;
// standard output and error go to the files pty.stdout and pty.stderr in $WORK, or
// to the terminal too with -stdout-tty and -stderr-tty (the file is then empty), as
// when a person runs the command without redirecting it. The terminal's transcript
// goes to pty.tty with escape sequences removed, and to pty.raw as it was sent,
// colours and all (a terminal turns each newline of output into \r\n in both).
// CONVERSATION is a file
// of lines `expect REGEXP` (wait until the terminal shows a match after the previous
// one), `ready` (wait until the command reads the terminal with echo off, as survey's
// questions and passphrase prompts do: text typed before then is echoed, and survey
// would read it in line mode) and `send TEXT` (type TEXT; Go escapes such as \r and
// \x03 are decoded). Cursor-position queries are answered as a terminal would, with
// one care survey needs: it reads each answer with a buffer of its own and drops
// whatever follows the answer in the same read, so a query that comes after the
// text an `expect` matched is answered only by the next `send`, after its text. The
// command must exit with status N (default 0).
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("use pty -status=N instead of ! pty")
	}
	wantStatus := 0
	var stdoutTTY, stderrTTY bool
options:
	for len(args) > 0 {
		switch a := args[0]; {
		case strings.HasPrefix(a, "-status="):
			n, err := strconv.Atoi(strings.TrimPrefix(a, "-status="))
			ts.Check(err)
			wantStatus = n
		case a == "-stdout-tty":
			stdoutTTY = true
		case a == "-stderr-tty":
			stderrTTY = true
		default:
			break options
		}
		args = args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: pty [-status=N] [-stdout-tty] [-stderr-tty] CONVERSATION CMD [ARGS...]")
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
	if stdoutTTY {
		cmd.Stdout = tty
	}
	if stderrTTY {
		cmd.Stderr = tty
	}
	cmd.SysProcAttr = ttySysProcAttr()
	ts.Check(cmd.Start())
	tty.Close()

	t := &transcript{changed: make(chan struct{}, 1), closed: make(chan struct{})}
	go t.read(ctrl)

	for _, s := range steps {
		if s.ready {
			if err := waitEchoOff(ctx, ctrl); err != nil {
				cmd.Process.Kill()
				ts.Fatalf("pty: waiting for the command to read the terminal: %v; it shows:\n%s", err, t.text())
			}
			continue
		}
		if s.send != "" {
			ts.Check(t.send(ctrl, []byte(s.send)))
			continue
		}
		if !t.waitFor(ctx, ctrl, s.expect) {
			cmd.Process.Kill()
			ts.Fatalf("pty: no %q on the terminal; it shows:\n%s", s.expect, t.text())
		}
	}
	t.answerAll(ctrl)
	err = cmd.Wait()
	// The terminal may still hold the command's last output: read it all, until the
	// terminal reports that its other side is closed.
	select {
	case <-t.closed:
	case <-ctx.Done():
	}
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
	ts.Check(os.WriteFile(filepath.Join(work, "pty.raw"), t.rawBytes(), 0o644))
	ts.Logf("[pty]\n%s\n[stdout]\n%s[stderr]\n%s", t.text(), stdout.String(), stderr.String())
	if got != wantStatus {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, wantStatus)
	}
}

type step struct {
	expect *regexp.Regexp
	send   string
	ready  bool
}

// echoPoll is how often `ready` looks at the terminal's mode: the kernel sends no
// notice of a mode change. It only paces the wait; ptyDeadline bounds it.
const echoPoll = 2 * time.Millisecond

// waitEchoOff waits until the terminal behind ctrl has echo turned off.
func waitEchoOff(ctx context.Context, ctrl *os.File) error {
	for {
		off, err := echoOff(ctrl)
		if err != nil || off {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(echoPoll):
		}
	}
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
		case "ready":
			steps = append(steps, step{ready: true})
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

// transcript collects what the terminal shows and answers its cursor queries.
type transcript struct {
	mu       sync.Mutex
	raw      []byte
	matched  int  // offset into the cleaned text after the last expect match
	answered int  // how many cursor queries have been answered
	auto     bool // answer every query at once: the conversation is over
	changed  chan struct{}
	closed   chan struct{} // closed when the terminal has nothing more to read
}

// answer is a terminal's reply to a cursor-position query: row 1, column 1.
var answer = []byte("\x1b[1;1R")

func (t *transcript) read(ctrl *os.File) {
	defer close(t.closed)
	buf := make([]byte, 4096)
	for {
		n, err := ctrl.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.raw = append(t.raw, buf[:n]...)
			if t.auto {
				t.answerBefore(ctrl, len(t.raw))
			}
			t.mu.Unlock()
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

// answerBefore answers the queries that start before raw offset end. t.mu is held.
func (t *transcript) answerBefore(ctrl *os.File, end int) {
	for i, at := range queryOffsets(t.raw) {
		if i >= t.answered && at < end {
			ctrl.Write(answer)
			t.answered++
		}
	}
}

// answerAll answers every query, now and until the command ends.
func (t *transcript) answerAll(ctrl *os.File) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.auto = true
	t.answerBefore(ctrl, len(t.raw))
}

// send types text, then answers the queries not answered yet, which came after the
// last match: the command is waiting for the first of them, and keeps what comes
// before an answer.
func (t *transcript) send(ctrl *os.File, text []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	pending := len(queryOffsets(t.raw)) - t.answered
	for range pending {
		text = append(text, answer...)
	}
	t.answered += pending
	_, err := ctrl.Write(text)
	return err
}

func queryOffsets(raw []byte) []int {
	var out []int
	for i := 0; ; {
		j := bytes.Index(raw[i:], cursorQuery)
		if j < 0 {
			return out
		}
		out = append(out, i+j)
		i += j + len(cursorQuery)
	}
}

// rawOffset returns the offset in raw just after the clean-th byte of its cleaned
// text, before any escape sequence that follows it.
func rawOffset(raw []byte, clean int) int {
	escapes := ansi.FindAllIndex(raw, -1)
	c := 0
	for i := 0; i < len(raw); {
		if c == clean {
			return i
		}
		if len(escapes) > 0 && escapes[0][0] == i {
			i = escapes[0][1]
			escapes = escapes[1:]
			continue
		}
		c++
		i++
	}
	return len(raw)
}

// rawBytes returns what the terminal was sent, escape sequences included.
func (t *transcript) rawBytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.raw...)
}

func (t *transcript) text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ansi.ReplaceAllString(string(t.raw), "")
}

// waitFor waits until the terminal shows a match of re after the previous match,
// answering the queries that come before the match as they arrive. Once the terminal
// has closed (the command ended) it looks one last time and gives up: what was not
// shown by then never will be.
func (t *transcript) waitFor(ctx context.Context, ctrl *os.File, re *regexp.Regexp) bool {
	closed := false
	for {
		t.mu.Lock()
		text := ansi.ReplaceAllString(string(t.raw), "")
		from := min(t.matched, len(text))
		if loc := re.FindStringIndex(text[from:]); loc != nil {
			t.matched = from + loc[1]
			t.answerBefore(ctrl, rawOffset(t.raw, t.matched))
			t.mu.Unlock()
			return true
		}
		t.answerBefore(ctrl, len(t.raw))
		t.mu.Unlock()
		if closed {
			return false
		}
		select {
		case <-t.changed:
		case <-t.closed:
			closed = true
		case <-ctx.Done():
			return false
		}
	}
}
