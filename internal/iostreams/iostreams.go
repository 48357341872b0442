// Package iostreams carries pgcert's standard streams and what it knows about them:
// which are terminals, whether colour is wanted, and whether it may ask questions.
// Commands take an *IOStreams instead of touching os.Stdin/Stdout/Stderr, so that
// tests can run them against buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// IOStreams holds the streams a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, errTTY      bool
	outColor, errColor bool
	neverPrompt        bool

	// openTTY opens the controlling terminal, where prompts are read and written.
	openTTY func() (*os.File, error)
	ttyOnce sync.Once
	tty     *os.File
	ttyErr  error
}

// System returns the process's own streams. Colour is on for a stream that is a
// terminal unless NO_COLOR is set; prompting is off when PGCERT_NO_INPUT is set.
func System() *IOStreams {
	s := &IOStreams{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		inTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		errTTY: term.IsTerminal(int(os.Stderr.Fd())),
		openTTY: func() (*os.File, error) {
			return os.OpenFile("/dev/tty", os.O_RDWR, 0)
		},
	}
	noColor := os.Getenv("NO_COLOR") != ""
	s.outColor = term.IsTerminal(int(os.Stdout.Fd())) && !noColor
	s.errColor = s.errTTY && !noColor
	if v := os.Getenv("PGCERT_NO_INPUT"); v != "" && v != "0" && v != "false" {
		s.neverPrompt = true
	}
	return s
}

// Test returns streams over buffers: no terminal, no colour, no prompts. The buffers
// are returned for the test to fill (in) and inspect (out, errOut).
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetStdinTTY marks standard input as a terminal or not (for tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.inTTY = v }

// SetStderrTTY marks standard error as a terminal or not (for tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.errTTY = v }

// SetNeverPrompt forbids (or allows again) every prompt, as --no-input does.
func (s *IOStreams) SetNeverPrompt(v bool) { s.neverPrompt = v }

// SetColorEnabled turns colour on or off on both output streams, as --no-color does.
func (s *IOStreams) SetColorEnabled(v bool) { s.outColor, s.errColor = v, v }

// SetTTYOpener replaces how the prompt terminal is opened (for tests).
func (s *IOStreams) SetTTYOpener(open func() (*os.File, error)) { s.openTTY = open }

// CanPrompt reports whether pgcert may ask a question. Questions are read from and
// written to the controlling terminal (as openssl and ssh do for passphrases, so that
// redirecting stdout or stderr does not hide them), and only when standard input is a
// terminal too: a script feeding stdin must never meet a prompt that waits for input.
func (s *IOStreams) CanPrompt() bool {
	if s.neverPrompt || !s.inTTY {
		return false
	}
	_, err := s.TTY()
	return err == nil
}

// TTY returns the controlling terminal, opened once for reading and writing.
func (s *IOStreams) TTY() (*os.File, error) {
	s.ttyOnce.Do(func() {
		if s.openTTY == nil {
			s.ttyErr = os.ErrNotExist
			return
		}
		s.tty, s.ttyErr = s.openTTY()
	})
	return s.tty, s.ttyErr
}

// Close releases the controlling terminal if it was opened.
func (s *IOStreams) Close() error {
	if s.tty != nil {
		return s.tty.Close()
	}
	return nil
}
