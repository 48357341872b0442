package cli

import (
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// verifyCase is a certificate file, roots and CRLs given to `pgcert verify`, and
// OpenSSL's verdict on them: 0 for OK, else the error number at depth.
type verifyCase struct {
	name    string
	cert    []*testpki.Cert // the file verified: the first is the leaf
	roots   []*testpki.Cert
	crls    [][]byte // PEM
	purpose string
	code    int
	depth   int
}

func verifyCases(t *testing.T) []verifyCase {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	client := inter.Client(t, "alice")
	other := testpki.Root(t, "Other Root")
	self := testpki.Make(t, testpki.Template{CN: "self.example.com", DNS: []string{"self.example.com"}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, nil)
	expired := testpki.Make(t, testpki.Template{CN: "old.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore: testpki.Now.Add(-400 * 24 * time.Hour), NotAfter: testpki.Now.Add(-time.Hour)}, inter)
	notCA := testpki.Make(t, testpki.Template{CN: "Not A CA", IsCA: true, NoCAFlag: true, MaxPath: -1}, root)
	underNotCA := notCA.Server(t, "under.example.com")

	day := 24 * time.Hour
	rootCRL := root.CRLPEM(t, 1, testpki.Now.Add(-day), testpki.Now.Add(7*day))
	interCRL := inter.CRLPEM(t, 1, testpki.Now.Add(-day), testpki.Now.Add(7*day))
	revoking := inter.CRLPEM(t, 2, testpki.Now.Add(-day), testpki.Now.Add(7*day), testpki.Revoked{Cert: leaf.Cert})
	staleCRL := inter.CRLPEM(t, 1, testpki.Now.Add(-30*day), testpki.Now.Add(-day))

	return []verifyCase{
		{name: "chain to the root", cert: []*testpki.Cert{leaf, inter}, roots: []*testpki.Cert{root}},
		{name: "intermediate missing", cert: []*testpki.Cert{leaf}, roots: []*testpki.Cert{root}, code: 20},
		{name: "root not trusted", cert: []*testpki.Cert{leaf, inter, root}, roots: []*testpki.Cert{other}, code: 19, depth: 2},
		{name: "self-signed server certificate", cert: []*testpki.Cert{self}, roots: []*testpki.Cert{root}, code: 18},
		{name: "trusted self-signed server certificate", cert: []*testpki.Cert{self}, roots: []*testpki.Cert{self}},
		{name: "expired", cert: []*testpki.Cert{expired, inter}, roots: []*testpki.Cert{root}, code: 10},
		{name: "client certificate served by a server", cert: []*testpki.Cert{client, inter}, roots: []*testpki.Cert{root}, purpose: "server", code: 26},
		{name: "server certificate presented by a client", cert: []*testpki.Cert{leaf, inter}, roots: []*testpki.Cert{root}, purpose: "client", code: 26},
		{name: "client certificate", cert: []*testpki.Cert{client, inter}, roots: []*testpki.Cert{root}, purpose: "client"},
		{name: "non-CA intermediate", cert: []*testpki.Cert{underNotCA, notCA}, roots: []*testpki.Cert{root}, code: 79, depth: 1},
		{name: "a current CRL for every CA", cert: []*testpki.Cert{leaf, inter}, roots: []*testpki.Cert{root}, crls: [][]byte{rootCRL, interCRL}},
		{name: "revoked", cert: []*testpki.Cert{leaf, inter}, roots: []*testpki.Cert{root}, crls: [][]byte{rootCRL, revoking}, code: 23},
		{name: "no CRL for the root", cert: []*testpki.Cert{leaf, inter}, roots: []*testpki.Cert{root}, crls: [][]byte{interCRL}, code: 3, depth: 1},
		{name: "expired CRL", cert: []*testpki.Cert{client, inter}, roots: []*testpki.Cert{root}, crls: [][]byte{rootCRL, staleCRL}, purpose: "client", code: 12},
	}
}

// TestVerifyCases runs `pgcert verify --json` on each case and checks its exit code
// and OpenSSL reason against `openssl verify` with the same files, purpose, security
// level and CRLs.
func TestVerifyCases(t *testing.T) {
	for _, tc := range verifyCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			certFile := trustFile(t, dir, "cert.pem", tc.cert...)
			rootFile := trustFile(t, dir, "root.crt", tc.roots...)
			args := []string{"verify", "--json", certFile, "--root", rootFile}
			opensslArgs := append(opensslAt(), "-CAfile", rootFile, "-auth_level", "1", "-purpose", "sslserver")
			if tc.purpose != "" {
				args = append(args, "--purpose", tc.purpose)
				opensslArgs[len(opensslArgs)-1] = "ssl" + tc.purpose
			}
			if len(tc.cert) > 1 {
				opensslArgs = append(opensslArgs, "-untrusted", trustFile(t, dir, "rest.pem", tc.cert[1:]...))
			}
			if len(tc.crls) > 0 {
				crlFile := filepath.Join(dir, "crls.pem")
				var all []byte
				for i, c := range tc.crls {
					all = append(all, c...)
					name := filepath.Join(dir, "crl"+strconv.Itoa(i)+".crl")
					if err := os.WriteFile(name, c, 0o644); err != nil {
						t.Fatal(err)
					}
					args = append(args, "--crl", name)
				}
				if err := os.WriteFile(crlFile, all, 0o644); err != nil {
					t.Fatal(err)
				}
				opensslArgs = append(opensslArgs, "-crl_check_all", "-CRLfile", crlFile)
			}
			code, stdout, stderr := trustRun(t, args...)
			var rep verifyJSON
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("exit %d, no JSON: %v\n%s\n%s", code, err, stdout, stderr)
			}
			got := 0
			if rep.Error != nil {
				got = rep.Error.Code
				if rep.Error.Depth != tc.depth {
					t.Errorf("depth %d, want %d", rep.Error.Depth, tc.depth)
				}
			}
			if got != tc.code || rep.OK != (tc.code == 0) || code != map[bool]int{true: 0, false: 1}[tc.code == 0] {
				t.Errorf("exit %d, error %d (ok %v), want error %d\n%s", code, got, rep.OK, tc.code, stdout)
			}
			v := testenv.OpenSSLVerify(t, append(opensslArgs, trustFile(t, dir, "leaf.pem", tc.cert[0]))...)
			switch {
			case tc.code == 0 && !v.OK:
				t.Errorf("openssl refuses what pgcert accepts: %s", v.Output)
			case tc.code != 0 && (v.Code != got || v.Depth != tc.depth):
				t.Errorf("openssl says %q, pgcert error %d at depth %d", strings.TrimSpace(v.Output), got, tc.depth)
			case tc.code != 0 && v.Text != rep.Error.Reason:
				t.Errorf("openssl's words %q, pgcert's %q", v.Text, rep.Error.Reason)
			}
		})
	}
}

// TestVerifyHostCases runs `pgcert verify --host` on every case of the host-name
// table whose answers were taken from real libpq (pkg/chain's
// TestHostCasesAgainstLibpq serves them to psql).
func TestVerifyHostCases(t *testing.T) {
	ca := testpki.Root(t, "Host CA")
	dir := t.TempDir()
	rootFile := trustFile(t, dir, "root.crt", ca)
	for i, hc := range testpki.HostCases {
		t.Run(hc.Name, func(t *testing.T) {
			certFile := trustFile(t, dir, "server"+strconv.Itoa(i)+".crt", hc.Make(t, ca))
			code, stdout, stderr := trustRun(t, "verify", "--json", certFile, "--root", rootFile, "--host", hc.Host)
			var rep verifyJSON
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Hosts) != 1 {
				t.Fatalf("exit %d: %v\n%s\n%s", code, err, stdout, stderr)
			}
			h := rep.Hosts[0]
			if h.OK != (hc.Err == "") || h.Message != hc.Err || code != map[bool]int{true: 0, false: 1}[hc.Err == ""] {
				t.Errorf("host %q: exit %d, ok %v, message %q; libpq says %q", hc.Host, code, h.OK, h.Message, hc.Err)
			}
		})
	}
}

func TestVerifyHumanOutput(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	dir := t.TempDir()
	rootFile := trustFile(t, dir, "root.crt", root)
	good := trustFile(t, dir, "server.crt", leaf, inter)
	bare := trustFile(t, dir, "bare.crt", leaf)

	code, stdout, _ := trustRun(t, "verify", good, "--root", rootFile, "--host", "db.example.com", "--host", "other.example.com")
	for _, want := range []string{
		good + ": ok, as libpq checks the server",
		"  chain:  CN=db.example.com (" + good + ")\n          CN=Intermediate (" + good + ")\n          CN=Root (" + rootFile + ")\n",
		"host db.example.com: ok",
		`host other.example.com: failed: server certificate for "db.example.com" does not match host name "other.example.com"`,
		"  fix:     connect with a name the certificate holds",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if code != 1 || strings.Contains(stdout, "\x1b[") {
		t.Errorf("exit %d, or colour without a terminal:\n%q", code, stdout)
	}

	code, stdout, stderr := trustRun(t, "verify", bare, "--root", rootFile)
	for _, want := range []string{
		bare + ": failed: unable to get local issuer certificate",
		"  openssl: error 20 at 0 depth lookup: unable to get local issuer certificate (CN=db.example.com (" + bare + "))",
		"  psql:    SSL error: certificate verify failed",
		"  server:  could not accept SSL connection: tlsv1 alert unknown ca",
		"  fix:     the issuer CN=Intermediate of CN=db.example.com (" + bare + ") is neither among the trusted roots nor sent along: append the intermediates to server.crt (pgcert chain)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if code != 1 || stderr != "" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}

	f, out, _, _ := testFactory(t)
	f.IO.SetColorEnabled(true)
	cmd := NewRootCmd(f)
	cmd.SetArgs([]string{"verify", good, "--root", rootFile})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\x1b[32mok\x1b[0m") {
		t.Errorf("no green ok on a terminal: %q", out)
	}
	f, out, _, _ = testFactory(t)
	f.IO.SetColorEnabled(true)
	cmd = NewRootCmd(f)
	cmd.SetArgs([]string{"verify", bare, "--root", rootFile})
	cmd.Execute()
	if !strings.Contains(out.String(), "\x1b[31mfailed\x1b[0m") {
		t.Errorf("no red failed on a terminal: %q", out)
	}
}

func TestVerifyWrongOrderWarns(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	dir := t.TempDir()
	code, _, stderr := trustRun(t, "verify", trustFile(t, dir, "server.crt", inter, leaf), "--root", trustFile(t, dir, "root.crt", root))
	if code != 1 || !strings.Contains(stderr, "pgcert: warning: "+dir+"/server.crt starts with CN=Intermediate") || !strings.Contains(stderr, "key values mismatch") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestVerifyRoots(t *testing.T) {
	root := testpki.Root(t, "Root")
	leaf := root.Server(t, "db.example.com")
	dir := t.TempDir()
	cert := trustFile(t, dir, "server.crt", leaf)
	rootFile := trustFile(t, dir, "root.crt", root)

	f, out, errOut, _ := testFactory(t)
	f.Getenv = func(k string) (string, bool) {
		if k == "PGSSLROOTCERT" {
			return rootFile, true
		}
		return "", false
	}
	cmd := NewRootCmd(f)
	cmd.SetArgs([]string{"verify", cert})
	if err := cmd.Execute(); err != nil || !strings.Contains(out.String(), "CN=Root ("+rootFile+")") {
		t.Errorf("PGSSLROOTCERT as the default root: %v\n%s%s", err, out, errOut)
	}

	f, _, errOut, _ = testFactory(t)
	home := t.TempDir()
	f.Getenv = func(k string) (string, bool) { return home, k == "HOME" }
	cmd = NewRootCmd(f)
	cmd.SetArgs([]string{"verify", cert})
	err := cmd.Execute()
	if f.Report(err) != 1 || !strings.Contains(errOut.String(), "no --root given, and libpq's default "+home+"/.postgresql/root.crt does not exist") {
		t.Errorf("no root: %v\n%s", err, errOut)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", cert, "--purpose", "peer"}, "--purpose peer: want server or client"},
		{[]string{"verify", cert, "--purpose", "client", "--root", rootFile, "--host", "db"}, "--host applies to --purpose server"},
		{[]string{"verify", cert, "--purpose", "client"}, "give the server's trusted CAs (its ssl_ca_file) with --root"},
		{[]string{"verify"}, "want the certificate file CERT"},
	} {
		code, _, stderr := trustRun(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d\n%s", tc.args, code, stderr)
		}
	}
	bad := filepath.Join(dir, "bad.crl")
	os.WriteFile(bad, []byte("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"), 0o644)
	code, _, stderr := trustRun(t, "verify", cert, "--root", rootFile, "--crl", bad)
	if code != 1 || !strings.HasPrefix(stderr, "pgcert: error: "+bad+": ") {
		t.Errorf("a bad CRL file: exit %d\n%s", code, stderr)
	}
}
