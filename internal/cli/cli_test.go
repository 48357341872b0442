package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/internal/testpki"
)

// testFactory returns a Factory over buffers with a fixed clock and, when answers
// are given, a terminal that gives them.
func testFactory(t *testing.T, answers ...any) (*Factory, *bytes.Buffer, *bytes.Buffer, *prompt.Fake) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := NewFactory(ios)
	f.Now = func() time.Time { return testpki.Now }
	f.Hostname = func() (string, error) { return "db.example.com", nil }
	f.Getenv = func(string) (string, bool) { return "", false }
	fake := &prompt.Fake{Answers: answers}
	if answers != nil {
		ios.SetStdinTTY(true)
		ios.SetTTYOpener(func() (*os.File, error) { return os.Stdin, nil })
		f.Prompter = func() (prompt.Prompter, error) { return fake, nil }
	}
	return f, out, errOut, fake
}

func TestMainUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"no-such-command"}} {
		ios, _, out, errOut := iostreams.Test()
		if code := Main(args, ios); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, cmdutil.ExitUsage, errOut)
		}
		if out.Len() != 0 || !strings.HasPrefix(errOut.String(), "pgcert: error: ") {
			t.Errorf("%v: stdout %q, stderr %q", args, out, errOut)
		}
	}
}
