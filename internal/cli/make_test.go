package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
)

const makeTestSpec = `certs:
  root: {subject: /CN=Test root, ca: true}
  server: {issuer: root, subject: /CN=db.example.com}
files:
  root.crt: {cert: root}
  server.crt: {concat: [cert:server, cert:root]}
  server.key: {key: server}
`

func writeMakeSpec(t *testing.T, spec string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pki.yaml")
	if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMakeCommand: a first run makes every file and says so, a second one says
// the directory is up to date, --json lists the files with their status.
func TestMakeCommand(t *testing.T) {
	spec := writeMakeSpec(t, makeTestSpec)
	out := filepath.Join(t.TempDir(), "pki")
	ios, _, stdout, stderr := iostreams.Test()
	if code := Main([]string{"make", "-f", spec, "-o", out}, ios); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"made root.crt (0644)", "made server.key (0600)", ": 3 made, 0 unchanged"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout %q lacks %q", stdout, want)
		}
	}
	ios, _, stdout, stderr = iostreams.Test()
	if code := Main([]string{"make", "-f", spec, "-o", out}, ios); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := out + " is up to date (3 files)\n"; stdout.String() != want {
		t.Errorf("second run: %q, want %q", stdout, want)
	}
	ios, _, stdout, stderr = iostreams.Test()
	if code := Main([]string{"make", "-f", spec, "-o", out, "--json"}, ios); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r makeReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Changed || len(r.Files) != 3 || r.Files[2].Path != "server.key" || r.Files[2].Mode != "0600" || r.Files[2].Status != "unchanged" || len(r.Files[2].SHA256) != 64 {
		t.Errorf("report %+v", r)
	}
}

// TestMakeErrors: spec errors name the line and field, a foreign directory is
// refused with a hint that works, and nothing is written.
func TestMakeErrors(t *testing.T) {
	bad := writeMakeSpec(t, strings.Replace(makeTestSpec, "subject: /CN=db.example.com", "subject: /CN=db.example.com, san: [\"DNS:192.0.2.1\"]", 1))
	out := filepath.Join(t.TempDir(), "pki")
	ios, _, stdout, stderr := iostreams.Test()
	if code := Main([]string{"make", "-f", bad, "-o", out}, ios); code != cmdutil.ExitFailure {
		t.Fatalf("exit %d", code)
	}
	want := "pgcert: error: " + bad + ":3: certs.server.san: an IP address in a dNSName is non-standard; mark the certificate testing: true if that is what the test needs\n"
	if stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("stderr %q\nwant   %q", stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output made: %v", err)
	}

	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := writeMakeSpec(t, makeTestSpec)
	ios, _, _, stderr = iostreams.Test()
	if code := Main([]string{"make", "-f", spec, "-o", foreign}, ios); code != cmdutil.ExitFailure {
		t.Fatalf("exit %d", code)
	}
	hint := "pgcert: hint: choose an empty or new directory, or replace " + foreign + " as a whole: pgcert make -f " + spec + " -o " + foreign + " --force\n"
	if !strings.Contains(stderr.String(), hint) {
		t.Errorf("stderr %q lacks %q", stderr, hint)
	}
	if _, err := os.Stat(filepath.Join(foreign, "keep")); err != nil {
		t.Fatal(err)
	}
	ios, _, _, stderr = iostreams.Test()
	if code := Main([]string{"make", "-f", spec, "-o", foreign, "--force"}, ios); code != cmdutil.ExitOK {
		t.Fatalf("the hint's command: exit %d: %s", code, stderr)
	}

	ios, _, _, _ = iostreams.Test()
	if code := Main([]string{"make", "-f", spec}, ios); code != cmdutil.ExitUsage {
		t.Errorf("without -o: exit %d", code)
	}
}
