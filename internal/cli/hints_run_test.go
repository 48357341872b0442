package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
)

// hintWorld runs pgcert in-process as a person would at a shell: one HOME (so the
// default CA location is inside the test), one clock.
type hintWorld struct {
	t    *testing.T
	home string
	now  time.Time
	// answers, when set, make stdin and stderr a terminal that gives them to the
	// prompts, as a person at the shell would.
	answers []any
}

func (w *hintWorld) run(args ...string) (stdout, stderr string, code int) {
	w.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := NewFactory(ios)
	f.Now = func() time.Time { return w.now }
	f.Getenv = func(k string) (string, bool) {
		if k == "HOME" {
			return w.home, true
		}
		return "", false
	}
	if w.answers != nil {
		ios.SetStdinTTY(true)
		ios.SetStderrTTY(true)
		ios.SetTTYOpener(func() (*os.File, error) { return os.Stdin, nil })
		fake := &prompt.Fake{Answers: w.answers}
		f.Prompter = func() (prompt.Prompter, error) { return fake, nil }
	}
	root := NewRootCmd(f)
	root.SetArgs(args)
	_, err := root.ExecuteC()
	if err != nil && isCobraUsageError(err) {
		err = &hint.UsageError{Err: err}
	}
	code = f.Report(err)
	return out.String(), errOut.String(), code
}

// hintCommand finds the pgcert commands a hint or a fix gives; the last one in a
// line runs to its end.
var hintCommand = regexp.MustCompile(`pgcert (?:renew|init|check|ca|crl|perms|chain|root|selfsign|key)\b`)

// placeholder is a word a person would have to replace before running a command.
var placeholder = regexp.MustCompile(`\b(PGDATA|DIR|NAME|FILE|CA_DIR|NEWDIR|CRL\.\.\.|CA\.crt)\b`)

// hintCommands are the pgcert commands in the hint lines of stderr and in the fixes
// of a check --json report.
func hintCommands(t *testing.T, stderr, checkJSON string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if i := strings.Index(l, "hint: "); i >= 0 {
			lines = append(lines, l[i+len("hint: "):])
		} else if strings.Contains(l, "pgcert renew -D") || strings.Contains(l, "pgcert crl gen") {
			lines = append(lines, l)
		}
	}
	if checkJSON != "" {
		var rep checkReport
		if err := json.Unmarshal([]byte(checkJSON), &rep); err != nil {
			t.Fatalf("check --json: %v\n%s", err, checkJSON)
		}
		for _, g := range rep.Files {
			for _, fd := range g.Findings {
				if fd.Fix != "" {
					lines = append(lines, fd.Fix)
				}
			}
		}
	}
	var cmds []string
	for _, l := range lines {
		if loc := hintCommand.FindAllStringIndex(l, -1); loc != nil {
			cmds = append(cmds, l[loc[len(loc)-1][0]:])
		}
	}
	return cmds
}

// pasted runs a hint's command as printed, and makes sure it was a whole command:
// no placeholder to fill in, words a shell splits as pgcert meant.
func (w *hintWorld) pasted(cmd string) (string, string, int) {
	w.t.Helper()
	if p := placeholder.FindString(cmd); p != "" {
		w.t.Fatalf("the hint %q holds the placeholder %s: pasted, it does not work", cmd, p)
	}
	words, err := shellWords(cmd)
	if err != nil || len(words) < 2 || words[0] != "pgcert" {
		w.t.Fatalf("the hint %q is not a command a shell runs: %v", cmd, err)
	}
	return w.run(words[1:]...)
}

// bound is the data directory's CA as its record and its root.crt say, to show that
// no hint replaced it.
func bound(t *testing.T, dataDir string) string {
	t.Helper()
	rec, err := ca.ReadDataDirRecord(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.ReadFile(filepath.Join(dataDir, "root.crt"))
	if err != nil {
		t.Fatal(err)
	}
	return rec.CADir + " " + rec.CASHA256 + " " + string(root)
}

// TestHintCommandsWork provokes the errors and warnings of check, renew, ca revoke
// and init about a data directory's CA and CRL, runs every pgcert command their
// hints and fixes print, as printed, and checks that each does what it says (exit 0,
// the problem gone) and that none replaces the data directory's CA.
func TestHintCommandsWork(t *testing.T) {
	base := t.TempDir()
	w := &hintWorld{t: t, home: filepath.Join(base, "home"), now: time.Now().UTC().Truncate(time.Second)}
	pg := filepath.Join(base, "pg data")
	caDir := filepath.Join(base, "ca")
	for name, data := range map[string]string{
		"PG_VERSION": "15\n", "global/pg_control": "", "postgresql.conf": "listen_addresses = '*'\n",
		"pg_hba.conf": "local all all trust\n",
	} {
		testdatadir.Write(t, pg, name, []byte(data), 0o600)
	}
	if _, errOut, code := w.run("init", "-D", pg, "--ca-dir", caDir, "--intermediate", "--host", "db.example.com", "--client", "alice", "--configure"); code != 0 {
		t.Fatalf("init: %d\n%s", code, errOut)
	}
	want := bound(t, pg)
	crlProblem := func() bool {
		out, _, _ := w.run("check", "-D", pg, "--json")
		var rep checkReport
		json.Unmarshal([]byte(out), &rep)
		for _, g := range rep.Files {
			if g.Setting != "ssl_crl_file" {
				continue
			}
			for _, fd := range g.Findings {
				if fd.Level != levelOK {
					return true
				}
			}
		}
		return false
	}
	// runAll runs every command, then checks that the CA is the same and, when
	// fixed, that the CRL problem is gone.
	runAll := func(what string, cmds []string, fixed bool) {
		t.Helper()
		if len(cmds) == 0 {
			t.Fatalf("%s: no hint with a pgcert command", what)
		}
		for _, cmd := range cmds {
			if out, errOut, code := w.pasted(cmd); code != 0 {
				t.Errorf("%s: the hint %q: exit %d\n%s%s", what, cmd, code, out, errOut)
			}
			if got := bound(t, pg); got != want {
				t.Fatalf("%s: the hint %q replaced the data directory's CA", what, cmd)
			}
		}
		if fixed && crlProblem() {
			t.Errorf("%s: the CRL problem is still there after %q", what, cmds)
		}
	}
	checkCmds := func(what string) []string {
		t.Helper()
		out, _, code := w.run("check", "-D", pg, "--json")
		if code == 0 && !strings.Contains(out, `"warning"`) {
			t.Fatalf("%s: check found nothing", what)
		}
		var cmds []string
		for _, c := range hintCommands(t, "", out) {
			if strings.Contains(c, "renew") {
				cmds = append(cmds, c)
			}
		}
		return cmds
	}

	t.Run("check: root.crl missing", func(t *testing.T) {
		os.Remove(filepath.Join(pg, "root.crl"))
		runAll("missing root.crl", checkCmds("missing root.crl"), true)
	})
	t.Run("check: root.crl not PEM", func(t *testing.T) {
		testdatadir.Write(t, pg, "root.crl", []byte("garbage\n"), 0o644)
		runAll("garbage root.crl", checkCmds("garbage root.crl"), true)
	})
	t.Run("check: root.crl missing a CA", func(t *testing.T) {
		data, _ := os.ReadFile(filepath.Join(pg, "root.crl"))
		first := bytes.Index(data, []byte("-----END X509 CRL-----\n"))
		testdatadir.Write(t, pg, "root.crl", data[:first+len("-----END X509 CRL-----\n")], 0o644)
		runAll("a CA without CRL", checkCmds("a CA without CRL"), true)
	})
	t.Run("check: root.crl expiring, then expired", func(t *testing.T) {
		start := w.now
		defer func() { w.now = start }()
		w.now = start.AddDate(0, 0, 170)
		runAll("expiring CRL", checkCmds("expiring CRL"), true)
		w.now = w.now.AddDate(0, 0, 200)
		runAll("expired CRL", checkCmds("expired CRL"), true)
	})
	t.Run("ca revoke", func(t *testing.T) {
		_, errOut, code := w.run("ca", "revoke", "-D", pg, "--cert", filepath.Join(caDir, "clients", "alice", "postgresql.crt"))
		if code != 0 {
			t.Fatalf("revoke: %d\n%s", code, errOut)
		}
		runAll("revoke", hintCommands(t, errOut, ""), false)
		out, _, _ := w.run("crl", "show", filepath.Join(pg, "root.crl"))
		if !regexp.MustCompile(`revoked: +1 certificate`).MatchString(out) {
			t.Errorf("after the revoke's hint root.crl lists no revocation:\n%s", out)
		}
	})
	t.Run("init rerun without --force", func(t *testing.T) {
		_, errOut, code := w.run("init", "-D", pg)
		if code != 1 {
			t.Fatalf("init without --force: exit %d", code)
		}
		runAll("init rerun", hintCommands(t, errOut, ""), false)
	})
	t.Run("init with another CA", func(t *testing.T) {
		if _, errOut, code := w.run("ca", "init", "--ca-dir", filepath.Join(base, "other")); code != 0 {
			t.Fatal(errOut)
		}
		_, errOut, code := w.run("init", "-D", pg, "--ca-dir", filepath.Join(base, "other"), "--force")
		if code != 1 {
			t.Fatalf("init with another CA: exit %d", code)
		}
		if !strings.Contains(errOut, "is not the CA directory") {
			t.Errorf("refusal: %s", errOut)
		}
		for _, cmd := range hintCommands(t, errOut, "") {
			if strings.Contains(cmd, "--new-ca") {
				t.Errorf("a hint is a command that replaces the CA: %q", cmd)
			}
		}
		os.Remove(filepath.Join(pg, ca.DataDirFile))
		_, errOut, code = w.run("init", "-D", pg, "--force")
		if code != 1 {
			t.Fatalf("init without a record, with the default CA location: exit %d", code)
		}
		if !strings.Contains(errOut, "not from a new CA in") {
			t.Errorf("refusal: %s", errOut)
		}
		cmds := hintCommands(t, errOut, "")
		for _, cmd := range cmds {
			if strings.Contains(cmd, "--new-ca") {
				t.Errorf("a hint is a command that replaces the CA: %q", cmd)
			}
		}
		w.run("renew", "-D", pg, "--ca-dir", caDir)
		want = bound(t, pg)
	})
	t.Run("renew without server.crt", func(t *testing.T) {
		empty := filepath.Join(base, "empty")
		for name, data := range map[string]string{"PG_VERSION": "15\n", "global/pg_control": "", "postgresql.conf": "ssl = on\n", "pg_hba.conf": ""} {
			testdatadir.Write(t, empty, name, []byte(data), 0o600)
		}
		_, errOut, code := w.run("renew", "-D", empty)
		if code != 1 {
			t.Fatalf("renew without a certificate: exit %d", code)
		}
		cmds := hintCommands(t, errOut, "")
		if len(cmds) != 1 {
			t.Fatalf("hints %q", cmds)
		}
		if _, errOut, code := w.pasted(cmds[0]); code != 0 {
			t.Errorf("%q: %d\n%s", cmds[0], code, errOut)
		}
		if _, errOut, code := w.run("renew", "-D", empty, "--force"); code != 0 {
			t.Errorf("renew after the hint: %d\n%s", code, errOut)
		}
	})
}

// TestIntermediateNextCommandsWork runs the two commands ca issue intermediate
// prints for its new CA, as printed, and checks that each issued under it.
func TestIntermediateNextCommandsWork(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base) // the server command writes into the working directory
	w := &hintWorld{t: t, home: filepath.Join(base, "home"), now: time.Now().UTC().Truncate(time.Second)}
	root := filepath.Join(base, "root ca")
	inter := filepath.Join(base, "servers ca")
	if _, errOut, code := w.run("ca", "init", "--ca-dir", root, "--intermediate"); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, errOut)
	}
	out, errOut, code := w.run("ca", "issue", "intermediate", "--ca-dir", filepath.Join(root, "root"), "-o", inter)
	if code != 0 {
		t.Fatalf("ca issue intermediate: exit %d\n%s", code, errOut)
	}
	var cmds []string
	for _, l := range strings.Split(out, "\n") {
		if loc := hintCommand.FindStringIndex(l); loc != nil {
			cmds = append(cmds, l[loc[0]:])
		}
	}
	if len(cmds) != 2 {
		t.Fatalf("want a server and a client command in the output, got %q\n%s", cmds, out)
	}
	before, err := os.ReadFile(filepath.Join(inter, "index.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		if _, errOut, code := w.pasted(c); code != 0 {
			t.Fatalf("%s: exit %d\n%s", c, code, errOut)
		}
	}
	after, err := os.ReadFile(filepath.Join(inter, "index.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(after), "\n") - strings.Count(string(before), "\n"); got != 2 {
		t.Fatalf("the printed commands issued %d certificates under the intermediate, want 2:\n%s", got, after)
	}
}
