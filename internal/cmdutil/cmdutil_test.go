package cmdutil

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
	"github.com/pgcert/pgcert/pkg/hint"
)

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("boom"), ExitFailure},
		{&hint.UsageError{Err: errors.New("bad flag")}, ExitUsage},
		{prompt.ErrInterrupted, ExitInterrupted},
		{hint.With(prompt.ErrInterrupted, "x"), ExitInterrupted},
		{&hint.Error{Err: errors.New("x"), Code: ExitUsage}, ExitUsage},
		{ErrProblemsFound, ExitFailure},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestReportPrintsErrorAndHints(t *testing.T) {
	f, out, errOut, _ := testFactory(t)
	code := f.Report(&fsutil.ExistsError{Path: "server.key"})
	if code != ExitFailure {
		t.Fatalf("code = %d", code)
	}
	want := "pgcert: error: server.key already exists\npgcert: hint: add --force to replace it, or choose another output with -o\n"
	if errOut.String() != want || out.Len() != 0 {
		t.Fatalf("stderr = %q, stdout = %q", errOut.String(), out.String())
	}
}

func TestPassphraseWithoutTerminalFailsAtOnce(t *testing.T) {
	f, _, _, _ := testFactory(t)
	_, err := f.ExistingPassphrase("--passin", "", "privkey.pem")()
	if err == nil || !strings.Contains(err.Error(), "no terminal") {
		t.Fatalf("err = %v", err)
	}
	if h := strings.Join(HintsFor(err), "\n"); !strings.Contains(h, "--passin env:VAR") {
		t.Fatalf("hints = %q", h)
	}
	if _, err := f.NewPassphrase("--passout", "", "privkey.pem"); err == nil {
		t.Fatal("newPassphrase without a terminal succeeded")
	}
}

func TestNewPassphrasePrompts(t *testing.T) {
	f, _, errOut, fake := testFactory(t, "abc", "good pass", "other", "good pass", "good pass")
	pass, err := f.NewPassphrase("--passout", "", "privkey.pem")
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
	if _, err := f.NewPassphrase("--passout", "", "k"); err == nil {
		t.Fatal("three short passphrases were accepted")
	}

	f, _, _, _ = testFactory(t, prompt.ErrInterrupted)
	if _, err := f.NewPassphrase("--passout", "", "k"); ExitCode(err) != ExitInterrupted {
		t.Fatalf("Ctrl-C gave %v", err)
	}
}

func TestPassphraseFromSpec(t *testing.T) {
	f, _, errOut, _ := testFactory(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "pass")
	os.WriteFile(file, []byte("from-file\n"), 0o600)
	pass, err := f.NewPassphrase("--passout", "file:"+file, "k")
	if err != nil || string(pass) != "from-file" {
		t.Fatalf("pass = %q, %v", pass, err)
	}
	if _, err := f.NewPassphrase("--passout", "pass:abc", "k"); err == nil {
		t.Fatal("a 3-character --passout was accepted")
	}
	if !strings.Contains(errOut.String(), "process list") || strings.Contains(errOut.String(), "abc") {
		t.Fatalf("stderr = %q", errOut)
	}
	if _, err := f.ExistingPassphrase("--passin", "bogus", "k")(); ExitCode(err) != ExitUsage {
		t.Fatalf("a malformed --passin gave %v", err)
	}
}

func TestReportStripsPackagePrefixes(t *testing.T) {
	f, _, errOut, _ := testFactory(t)
	f.Report(errors.New("server.key: keys: unsupported key algorithm Ed448"))
	if got, want := errOut.String(), "pgcert: error: server.key: unsupported key algorithm Ed448\n"; got != want {
		t.Fatalf("stderr = %q, want %q", got, want)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"check", "chek", 1}, {"check", "check", 0}, {"", "abc", 3}, {"revoke", "revok", 1}, {"list", "lst", 1}, {"kitten", "sitting", 3}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// testFactory returns a Factory over buffers with a fixed clock and, when answers
// are given, a terminal whose prompts answer them in order.
func testFactory(t *testing.T, answers ...any) (*Factory, *bytes.Buffer, *bytes.Buffer, *prompt.Fake) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := NewFactory(ios)
	f.Now = func() time.Time { return testpki.Now }
	f.Getenv = func(string) (string, bool) { return "", false }
	fake := &prompt.Fake{Answers: answers}
	if answers != nil {
		ios.SetStdinTTY(true)
		ios.SetTTYOpener(func() (*os.File, error) { return os.Stdin, nil })
		f.Prompter = func() (prompt.Prompter, error) { return fake, nil }
	}
	return f, out, errOut, fake
}
