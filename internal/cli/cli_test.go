package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
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

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("boom"), ExitFailure},
		{&UsageError{Err: errors.New("bad flag")}, ExitUsage},
		{prompt.ErrInterrupted, ExitInterrupted},
		{withHints(prompt.ErrInterrupted, "x"), ExitInterrupted},
		{&Error{Err: errors.New("x"), Code: ExitUsage}, ExitUsage},
		{errProblemsFound, ExitFailure},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestReportPrintsErrorAndHints(t *testing.T) {
	f, out, errOut, _ := testFactory(t)
	code := f.report(&fsutil.ExistsError{Path: "server.key"})
	if code != ExitFailure {
		t.Fatalf("code = %d", code)
	}
	want := "pgcert: error: server.key already exists\npgcert: hint: add --force to replace it, or choose another output with -o\n"
	if errOut.String() != want || out.Len() != 0 {
		t.Fatalf("stderr = %q, stdout = %q", errOut.String(), out.String())
	}
}

func TestMainUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"no-such-command"}} {
		ios, _, out, errOut := iostreams.Test()
		if code := Main(args, ios); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, ExitUsage, errOut)
		}
		if out.Len() != 0 || !strings.HasPrefix(errOut.String(), "pgcert: error: ") {
			t.Errorf("%v: stdout %q, stderr %q", args, out, errOut)
		}
	}
}

func TestPassphraseWithoutTerminalFailsAtOnce(t *testing.T) {
	f, _, _, _ := testFactory(t)
	_, err := f.existingPassphrase("--passin", "", "privkey.pem")()
	if err == nil || !strings.Contains(err.Error(), "no terminal") {
		t.Fatalf("err = %v", err)
	}
	if h := strings.Join(hintsFor(err), "\n"); !strings.Contains(h, "--passin env:VAR") {
		t.Fatalf("hints = %q", h)
	}
	if _, err := f.newPassphrase("--passout", "", "privkey.pem"); err == nil {
		t.Fatal("newPassphrase without a terminal succeeded")
	}
}

func TestNewPassphrasePrompts(t *testing.T) {
	f, _, errOut, fake := testFactory(t, "abc", "good pass", "other", "good pass", "good pass")
	pass, err := f.newPassphrase("--passout", "", "privkey.pem")
	if err != nil || string(pass) != "good pass" {
		t.Fatalf("pass = %q, %v", pass, err)
	}
	if len(fake.Asked) != 5 || fake.Asked[1] != "Enter pass phrase for privkey.pem:" || !strings.HasPrefix(fake.Asked[2], "Verifying") {
		t.Fatalf("asked %q", fake.Asked)
	}
	if !strings.Contains(errOut.String(), "at least 4 characters") || !strings.Contains(errOut.String(), "do not match") {
		t.Fatalf("stderr = %q", errOut)
	}

	f, _, _, _ = testFactory(t, "a", "b", "c")
	if _, err := f.newPassphrase("--passout", "", "k"); err == nil {
		t.Fatal("three short passphrases were accepted")
	}

	f, _, _, _ = testFactory(t, prompt.ErrInterrupted)
	if _, err := f.newPassphrase("--passout", "", "k"); exitCode(err) != ExitInterrupted {
		t.Fatalf("Ctrl-C gave %v", err)
	}
}

func TestPassphraseFromSpec(t *testing.T) {
	f, _, errOut, _ := testFactory(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "pass")
	os.WriteFile(file, []byte("from-file\n"), 0o600)
	pass, err := f.newPassphrase("--passout", "file:"+file, "k")
	if err != nil || string(pass) != "from-file" {
		t.Fatalf("pass = %q, %v", pass, err)
	}
	if _, err := f.newPassphrase("--passout", "pass:abc", "k"); err == nil {
		t.Fatal("a 3-character --passout was accepted")
	}
	if !strings.Contains(errOut.String(), "process list") || strings.Contains(errOut.String(), "abc") {
		t.Fatalf("stderr = %q", errOut)
	}
	if _, err := f.existingPassphrase("--passin", "bogus", "k")(); exitCode(err) != ExitUsage {
		t.Fatalf("a malformed --passin gave %v", err)
	}
}

func TestReportStripsPackagePrefixes(t *testing.T) {
	f, _, errOut, _ := testFactory(t)
	f.report(errors.New("server.key: keys: unsupported key algorithm Ed448"))
	if got, want := errOut.String(), "pgcert: error: server.key: unsupported key algorithm Ed448\n"; got != want {
		t.Fatalf("stderr = %q, want %q", got, want)
	}
}
