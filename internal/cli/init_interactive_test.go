package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/prompt"
)

// runInitAsked runs pgcert init with args at a (fake) terminal that gives answers,
// and returns the summary shown on the terminal, stderr and the exit code.
func runInitAsked(t *testing.T, args []string, answers ...any) (tty, stderr string, fake *prompt.Fake, code int) {
	t.Helper()
	f, _, errOut, fake := testFactory(t, answers...)
	ttyFile := filepath.Join(t.TempDir(), "tty")
	f.IO.SetTTYOpener(func() (*os.File, error) { return os.Create(ttyFile) })
	root := NewRootCmd(f)
	root.SetArgs(append([]string{"init"}, args...))
	_, err := root.ExecuteC()
	code = f.report(err)
	f.IO.Close()
	data, _ := os.ReadFile(ttyFile)
	return string(data), errOut.String(), fake, code
}

func TestInitQuestionsAskAgain(t *testing.T) {
	dir := t.TempDir()
	pgdata, caDir := filepath.Join(dir, "pgdata"), filepath.Join(dir, "ca")
	tty, stderr, fake, code := runInitAsked(t, []string{"-D", pgdata, "--ca-dir", caDir},
		"db..example.com", "db.example.com",
		"ed25519", "ec",
		false,
		"alice, ../x", "alice,bob, alice", " alice , bob ",
		true) // no question about configuring: there is no data directory yet
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stderr, "; try again"); n != 4 {
		t.Errorf("asked again %d times, want 4:\n%s", n, stderr)
	}
	if len(fake.Answers) != 0 {
		t.Errorf("answers left over: %v (asked %q)", fake.Answers, fake.Asked)
	}
	want := "pgcert init -D " + pgdata + " --ca-dir " + caDir + " --host db.example.com --client alice --client bob"
	if !strings.Contains(tty, "  server.crt      for db.example.com, ECDSA P-256 key\n") || !strings.Contains(tty, want+"\n") {
		t.Errorf("summary:\n%s\nwant the command %q", tty, want)
	}
	for _, p := range []string{"server.crt", "root.crl"} {
		if !fileExists(filepath.Join(pgdata, p)) {
			t.Errorf("%s was not written", p)
		}
	}
	if !fileExists(filepath.Join(caDir, "clients", "bob", "postgresql.key")) {
		t.Error("bob's bundle was not written")
	}
}

func TestInitQuestionsGiveUp(t *testing.T) {
	dir := t.TempDir()
	pgdata := filepath.Join(dir, "pgdata")
	_, stderr, _, code := runInitAsked(t, []string{"-D", pgdata, "--ca-dir", filepath.Join(dir, "ca")},
		"", "bad..name", "-")
	if code != ExitUsage || strings.Count(stderr, "; try again") != 2 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if fileExists(pgdata) {
		t.Error("the data directory was created after the questions failed")
	}
}

func TestInitQuestionsSkipGivenFlags(t *testing.T) {
	dir := t.TempDir()
	// --type, --intermediate and --configure are given: only the hosts, the
	// clients and the confirmation are asked.
	_, stderr, fake, code := runInitAsked(t, []string{"-D", filepath.Join(dir, "pgdata"), "--ca-dir", filepath.Join(dir, "ca"),
		"--type", "ec", "--intermediate=false", "--configure=false", "--days", "30"},
		nil, nil, nil)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(fake.Asked) != 3 || !strings.HasPrefix(fake.Asked[0], "Host names") || !strings.HasPrefix(fake.Asked[1], "Database roles") || fake.Asked[2] != "Write these files?" {
		t.Fatalf("asked %q", fake.Asked)
	}
}

func TestInitQuestionsInterrupted(t *testing.T) {
	dir := t.TempDir()
	pgdata := filepath.Join(dir, "pgdata")
	_, _, _, code := runInitAsked(t, []string{"-D", pgdata, "--ca-dir", filepath.Join(dir, "ca")},
		nil, nil, nil, prompt.ErrInterrupted)
	if code != ExitInterrupted || fileExists(pgdata) || fileExists(filepath.Join(dir, "ca")) {
		t.Fatalf("exit %d; data directory made: %v", code, fileExists(pgdata))
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/postgresql/15/main": "/var/lib/postgresql/15/main",
		"my dir":                      "'my dir'",
		"it's":                        `'it'\''s'`,
		"$HOME":                       "'$HOME'",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %q, want %q", in, got, want)
		}
	}
}
