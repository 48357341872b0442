package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
)

// ANSI colours as fatih/color writes them.
const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
)

// runColor runs pgcert with args, with colour on both streams when colour is true
// (as on a terminal without NO_COLOR), and returns stdout and stderr.
func runColor(t *testing.T, colour bool, args ...string) (string, string) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	home := t.TempDir()
	f.Getenv = func(k string) (string, bool) {
		if k == "HOME" {
			return home, true
		}
		return "", false
	}
	f.IO.SetColorEnabled(colour)
	root := NewRootCmd(f)
	root.SetArgs(args)
	_, err := root.ExecuteC()
	f.Report(err)
	return out.String(), errOut.String()
}

// TestColorOnlyWhenEnabled runs check, verify and probe over findings of each level:
// with colour on, ok is green, warnings yellow and errors red; --no-color, and
// streams that are not terminals, give the same text without an escape sequence.
func TestColorOnlyWhenEnabled(t *testing.T) {
	// check: a weak protocol setting (warning), a key others may read (error).
	p := testdatadir.NewPKI(t)
	weak := testdatadir.New(t, p, []string{"ssl_min_protocol_version = 'TLSv1'"})
	open := testdatadir.New(t, p, nil)
	if err := os.Chmod(filepath.Join(open, "server.key"), 0o644); err != nil {
		t.Fatal(err)
	}

	// verify: a chain that verifies, one that does not, one in the wrong order.
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	dir := t.TempDir()
	rootFile := trustFile(t, dir, "root.crt", root)
	good := trustFile(t, dir, "server.crt", leaf, inter)
	bare := trustFile(t, dir, "bare.crt", leaf)
	reversed := trustFile(t, dir, "reversed.crt", inter, leaf)

	// probe: a server libpq accepts, one whose certificate expires soon, and a
	// verdict that fails.
	probeRoot := testpki.Root(t, "probe root")
	probeFile := writeRoot(t, probeRoot)
	accepted := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{probeRoot.Server(t, "db.example.com")}, false))
	soon := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, NotAfter: testpki.Now.Add(10 * 24 * time.Hour)}, probeRoot)
	expiring := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{soon}, false))

	for _, tc := range []struct {
		name        string
		args        []string
		stdout      []string // painted on stdout
		stderr      []string // painted on stderr
		plainStdout string   // in the output without colour
		plainStderr string
	}{
		{"check warning", []string{"check", "-D", weak}, []string{green + "ok", yellow + "warning", yellow + "1 warning"}, nil, "1 warning", ""},
		{"check error", []string{"check", "-D", open}, []string{red + "error", red + "1 error"}, nil, "1 error", ""},
		{"verify ok", []string{"verify", good, "--root", rootFile, "--host", "db.example.com"}, []string{green + "ok"}, nil, "ok, as libpq checks the server", ""},
		{"verify failed", []string{"verify", bare, "--root", rootFile}, []string{red + "failed"}, nil, "failed: unable to get local issuer certificate", ""},
		{"verify warning", []string{"verify", reversed, "--root", rootFile}, nil, []string{yellow + "warning:"}, "", "pgcert: warning: "},
		{"probe ok", []string{"probe", "db.example.com:" + accepted, "--hostaddr", "127.0.0.1", "--root", probeFile}, []string{green + "ok"}, nil, "verdict    ok: libpq", ""},
		{"probe expiring", []string{"probe", "db.example.com:" + expiring, "--hostaddr", "127.0.0.1", "--root", probeFile}, []string{yellow + "problem", yellow + "10 days left"}, nil, "problem    certificate 0", ""},
		{"probe refused", []string{"probe", "other.example.com:" + accepted, "--hostaddr", "127.0.0.1", "--root", probeFile}, []string{red + "refused"}, nil, "verdict    refused", ""},
		{"an error", []string{"check", "-D", filepath.Join(dir, "missing")}, nil, []string{red + "error:"}, "", "pgcert: error: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut := runColor(t, true, tc.args...)
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout has no %q:\n%q", want, out)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr has no %q:\n%q", want, errOut)
				}
			}
			for _, plain := range [][]string{
				append(append([]string{}, tc.args...), "--no-color"),
				tc.args,
			} {
				colour := strings.HasSuffix(plain[len(plain)-1], "--no-color")
				out, errOut := runColor(t, colour, plain...)
				if strings.Contains(out+errOut, "\x1b") {
					t.Errorf("%v (colour enabled: %v): escape sequences in\n%q\n%q", plain, colour, out, errOut)
				}
				if !strings.Contains(out, tc.plainStdout) || !strings.Contains(errOut, tc.plainStderr) {
					t.Errorf("%v: output without colour lacks %q / %q:\n%s\n%s", plain, tc.plainStdout, tc.plainStderr, out, errOut)
				}
			}
		})
	}
}
