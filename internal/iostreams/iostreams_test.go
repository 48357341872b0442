package iostreams

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestCanPrompt(t *testing.T) {
	opened := func() (*os.File, error) { return os.Stdin, nil }
	missing := func() (*os.File, error) { return nil, errors.New("no tty") }
	for _, tc := range []struct {
		name        string
		stdinTTY    bool
		never       bool
		open        func() (*os.File, error)
		wantPrompts bool
	}{
		{"terminal", true, false, opened, true},
		{"stdin not a terminal", false, false, opened, false},
		{"no controlling terminal", true, false, missing, false},
		{"no-input", true, true, opened, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _, _ := Test()
			s.SetStdinTTY(tc.stdinTTY)
			s.SetNeverPrompt(tc.never)
			s.SetTTYOpener(tc.open)
			if got := s.CanPrompt(); got != tc.wantPrompts {
				t.Fatalf("CanPrompt() = %v, want %v", got, tc.wantPrompts)
			}
		})
	}
}

func TestColorOnlyWhenEnabled(t *testing.T) {
	s, _, _, _ := Test()
	if got := s.ErrColors().Red("x"); got != "x" {
		t.Fatalf("colour off: got %q", got)
	}
	s.SetColorEnabled(true)
	if got := s.ErrColors().Red("x"); got == "x" {
		t.Fatal("colour on: text was not painted")
	}
}

func TestProgressSilentWithoutTerminal(t *testing.T) {
	s, _, _, errOut := Test()
	stop := s.StartProgress("working")
	stop()
	stop()
	if errOut.Len() != 0 {
		t.Fatalf("progress wrote %q to a non-terminal", errOut.String())
	}
}

func TestSlowProgressDrawsAtOnceOnATerminal(t *testing.T) {
	s, _, _, errOut := Test()
	s.SetStderrTTY(true)
	stop := s.StartSlowProgress("generating an RSA 4096 key")
	stop()
	got := errOut.String()
	if !strings.HasPrefix(got, "\r| generating an RSA 4096 key") {
		t.Fatalf("no spinner drawn before the work: %q", got)
	}
	if clear := "\r" + strings.Repeat(" ", len("generating an RSA 4096 key")+2) + "\r"; !strings.HasSuffix(got, clear) {
		t.Fatalf("the spinner's line was not cleared: %q", got)
	}

	s, _, _, errOut = Test()
	s.StartSlowProgress("generating an RSA 4096 key")()
	if errOut.Len() != 0 {
		t.Fatalf("progress wrote %q to a non-terminal", errOut.String())
	}
}
