package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/internal/words"
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
	code = f.Report(err)
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
	if code != cmdutil.ExitOK {
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
		if !cmdutil.FileExists(filepath.Join(pgdata, p)) {
			t.Errorf("%s was not written", p)
		}
	}
	if !cmdutil.FileExists(filepath.Join(caDir, "clients", "bob", "postgresql.key")) {
		t.Error("bob's bundle was not written")
	}
}

func TestInitQuestionsGiveUp(t *testing.T) {
	dir := t.TempDir()
	pgdata := filepath.Join(dir, "pgdata")
	_, stderr, _, code := runInitAsked(t, []string{"-D", pgdata, "--ca-dir", filepath.Join(dir, "ca")},
		"", "bad..name", "-")
	if code != cmdutil.ExitUsage || strings.Count(stderr, "; try again") != 2 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if cmdutil.FileExists(pgdata) {
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
	if code != cmdutil.ExitOK {
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
	if code != cmdutil.ExitInterrupted || cmdutil.FileExists(pgdata) || cmdutil.FileExists(filepath.Join(dir, "ca")) {
		t.Fatalf("exit %d; data directory made: %v", code, cmdutil.FileExists(pgdata))
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/postgresql/15/main": "/var/lib/postgresql/15/main",
		"my dir":                      "'my dir'",
		"it's":                        `'it'\''s'`,
		"$HOME":                       "'$HOME'",
	} {
		if got := words.ShellWord(in); got != want {
			t.Errorf("words.ShellWord(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInitSummaryConfiguration: configuring is offered only where a postgresql.conf
// exists, and the summary names exactly the files --configure writes.
func TestInitSummaryConfiguration(t *testing.T) {
	dir := t.TempDir()
	pgdata := filepath.Join(dir, "pgdata")
	os.MkdirAll(filepath.Join(pgdata, "global"), 0o700)
	os.WriteFile(filepath.Join(pgdata, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(pgdata, "global", "pg_control"), nil, 0o600)
	os.WriteFile(filepath.Join(pgdata, "postgresql.conf"), []byte("include_if_exists 'pgcert.conf'\n"), 0o600)

	// postgresql.conf includes pgcert.conf already and there is no pg_hba.conf: only
	// pgcert.conf is written, and the summary says so.
	tty, stderr, fake, code := runInitAsked(t, []string{"-D", pgdata, "--ca-dir", filepath.Join(dir, "ca"), "--type", "ec", "--intermediate=false"},
		nil, nil, true, true)
	if code != cmdutil.ExitOK || len(fake.Asked) != 4 || !strings.HasPrefix(fake.Asked[2], "Configure the server") {
		t.Fatalf("exit %d, asked %q: %s", code, fake.Asked, stderr)
	}
	if want := "  configuration   pgcert.conf written; postgresql.conf and pg_hba.conf already use it\n"; !strings.Contains(tty, want) {
		t.Errorf("summary:\n%s\nwant %q", tty, want)
	}

	// --configure given for a directory that does not exist yet: no question, and the
	// summary does not claim an edit.
	tty, stderr, fake, code = runInitAsked(t, []string{"-D", filepath.Join(dir, "new"), "--ca-dir", filepath.Join(dir, "ca"), "--type", "ec", "--configure"},
		nil, nil, true)
	if code != cmdutil.ExitOK || len(fake.Asked) != 3 {
		t.Fatalf("exit %d, asked %q: %s", code, fake.Asked, stderr)
	}
	if want := "  configuration   pgcert.conf written (no postgresql.conf to include it from yet), the rest printed\n"; !strings.Contains(tty, want) {
		t.Errorf("summary:\n%s\nwant %q", tty, want)
	}
}

// TestInitConfigureWithoutServerConfig: --configure on a directory without
// postgresql.conf writes pgcert.conf only and says so; it does not say to reload a
// server whose configuration does not include it.
func TestInitConfigureWithoutServerConfig(t *testing.T) {
	dir := t.TempDir()
	pgdata := filepath.Join(dir, "pgdata")
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "init", "-D", pgdata, "--ca-dir", filepath.Join(dir, "ca"), "--configure"); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "\nwrote " + filepath.Join(pgdata, "pgcert.conf") + " for PostgreSQL 18 (assumed: no PG_VERSION); no postgresql.conf includes it yet (add include_if_exists 'pgcert.conf'):\n"
	if strings.Contains(out.String(), "reload") || !strings.Contains(out.String(), want) {
		t.Errorf("stdout:\n%s\nwant %q", out, want)
	}
	if !strings.Contains(errOut.String(), "has no postgresql.conf: wrote "+filepath.Join(pgdata, "pgcert.conf")+" only") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// TestInitQuestionsRefuseBroadWildcard: *.com is refused at the host question and
// asked again, unless --force.
func TestInitQuestionsRefuseBroadWildcard(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-D", filepath.Join(dir, "pgdata"), "--ca-dir", filepath.Join(dir, "ca"), "--type", "ec", "--intermediate=false"}
	tty, stderr, _, code := runInitAsked(t, args, "db.example.com, *.com", "db.example.com", nil, true)
	if code != cmdutil.ExitOK || !strings.Contains(stderr, `warning: *.com covers every host name under "com", a top-level domain: libpq would accept it for any of them; try again`) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(tty, "  server.crt      for db.example.com, ECDSA P-256 key\n") {
		t.Errorf("summary:\n%s", tty)
	}
	dir = t.TempDir()
	args = []string{"-D", filepath.Join(dir, "pgdata"), "--ca-dir", filepath.Join(dir, "ca"), "--type", "ec", "--intermediate=false", "--force"}
	if _, stderr, _, code := runInitAsked(t, args, "*.com", nil, true); code != cmdutil.ExitOK || strings.Contains(stderr, "try again") {
		t.Fatalf("--force: exit %d, stderr:\n%s", code, stderr)
	}
}
