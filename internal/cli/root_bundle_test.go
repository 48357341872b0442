package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
)

func TestRootBundle(t *testing.T) {
	rootA := testpki.Root(t, "Root A")
	rootB := testpki.Root(t, "Root B")
	inter := rootA.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	dir := t.TempDir()
	out := filepath.Join(dir, "root.crt")
	a := trustFile(t, dir, "a.pem", rootB, inter)
	b := trustFile(t, dir, "b.pem", rootA, rootB)

	code, stdout, stderr := trustRun(t, "root", "-o", out, a, b)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := "wrote " + out + ": 3 certificates, mode 0644\n" +
		"  CN=Intermediate (" + a + "), expires " + testpki.Date(365*24*time.Hour) + "\n" +
		"  CN=Root A (" + b + "), expires " + testpki.Date(365*24*time.Hour) + "\n" +
		"  CN=Root B (" + a + "), expires " + testpki.Date(365*24*time.Hour) + "\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	if !strings.Contains(stderr, "dropped 1 duplicate: CN=Root B ("+b+")") {
		t.Errorf("stderr:\n%s", stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# subject: CN=Intermediate, expires "+testpki.Date(365*24*time.Hour)+" (in 365 days)\n-----BEGIN CERTIFICATE-----\n") {
		t.Errorf("root.crt starts:\n%.200s", data)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("root.crt: %v %v", fi, err)
	}
	// openssl reads the commented bundle, intermediate and roots alike.
	if v := testenv.OpenSSLVerify(t, append(opensslAt(), "-CAfile", out, trustFile(t, dir, "leaf.pem", leaf))...); !v.OK {
		t.Errorf("openssl with the bundle as -CAfile: %s", v.Output)
	}

	// The same inputs in another order give the same file.
	again := filepath.Join(dir, "again.crt")
	if code, _, stderr := trustRun(t, "root", "-o", again, b, a); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if data2, _ := os.ReadFile(again); string(data2) != string(data) {
		t.Errorf("the order of the inputs changed the bundle")
	}

	code, _, stderr = trustRun(t, "root", "-o", out, a)
	if code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("an existing output without --force: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := trustRun(t, "root", "-o", out, "--force", a); code != 0 {
		t.Errorf("--force: exit %d\n%s", code, stderr)
	}
	if got := readCerts(t, out); len(got) != 2 {
		t.Errorf("--force wrote %d certificates, want 2", len(got))
	}
}

func TestRootBundleRefusesLeaves(t *testing.T) {
	root := testpki.Root(t, "Root")
	leaf := root.Server(t, "db.example.com")
	self := testpki.Make(t, testpki.Template{CN: "self.example.com", DNS: []string{"self.example.com"}}, nil)
	dir := t.TempDir()
	out := filepath.Join(dir, "root.crt")
	leafFile := trustFile(t, dir, "leaf.pem", leaf)
	selfFile := trustFile(t, dir, "self.pem", self)

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{leafFile}, []string{"pgcert: error: CN=db.example.com (" + leafFile + ") is not a CA certificate (basicConstraints CA:FALSE and keyUsage without keyCertSign): OpenSSL would not let it anchor a chain", "pgcert: hint: give only CA certificates"}},
		{[]string{selfFile}, []string{"CN=self.example.com (" + selfFile + ") is not a CA certificate", "pgcert: hint: to trust this self-signed certificate itself", "--allow-leaf"}},
		{[]string{"--allow-leaf", leafFile}, []string{"and it is not self-signed, so it cannot be trusted on its own"}},
	} {
		code, _, stderr := trustRun(t, append([]string{"root", "-o", out}, tc.args...)...)
		if code != 1 || cmdutil.FileExists(out) {
			t.Errorf("%v: exit %d, wrote %v", tc.args, code, cmdutil.FileExists(out))
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}

	// A client's root.crt that pins a self-signed server certificate: openssl
	// accepts the certificate for a server with that file, as libpq does.
	if code, _, stderr := trustRun(t, "root", "-o", out, "--allow-leaf", selfFile); code != 0 {
		t.Fatalf("--allow-leaf: exit %d\n%s", code, stderr)
	}
	if v := testenv.OpenSSLVerify(t, append(opensslAt(), "-purpose", "sslserver", "-CAfile", out, selfFile)...); !v.OK {
		t.Errorf("openssl refuses the self-signed certificate with the bundle: %s", v.Output)
	}
}

func TestRootBundleWarnings(t *testing.T) {
	day := 24 * time.Hour
	expired := testpki.Make(t, testpki.Template{CN: "Expired Root", IsCA: true, MaxPath: -1, NotBefore: testpki.Now.Add(-400 * day), NotAfter: testpki.Now.Add(-2 * day)}, nil)
	soon := testpki.Make(t, testpki.Template{CN: "Soon Root", IsCA: true, MaxPath: -1, NotAfter: testpki.Now.Add(10*day + time.Hour)}, nil)
	orphan := testpki.Root(t, "Absent Root").Intermediate(t, "Orphan Intermediate")
	dir := t.TempDir()
	files := []string{trustFile(t, dir, "expired.pem", expired), trustFile(t, dir, "soon.pem", soon), trustFile(t, dir, "orphan.pem", orphan)}

	for _, tc := range []struct {
		days    string
		want    []string
		notWant []string
	}{
		{"", []string{
			"pgcert: warning: CN=Expired Root (" + files[0] + ") expired on " + testpki.Date(-2*day) + " (2 days ago): OpenSSL refuses every chain through it (certificate has expired)",
			"pgcert: warning: CN=Soon Root (" + files[1] + ") expires on " + testpki.Date(10*day) + " (in 10 days): put its successor into the bundle before then",
			"pgcert: warning: CN=Orphan Intermediate (" + files[2] + ") is not a root and its issuer CN=Absent Root is not in the bundle",
		}, nil},
		{"5", []string{"CN=Expired Root"}, []string{"CN=Soon Root"}},
		{"0", []string{"CN=Expired Root"}, []string{"CN=Soon Root"}},
	} {
		args := []string{"root", "-o", filepath.Join(dir, "root"+tc.days+".crt")}
		if tc.days != "" {
			args = append(args, "--warn-days", tc.days)
		}
		code, stdout, stderr := trustRun(t, append(args, files...)...)
		if code != 0 {
			t.Fatalf("--warn-days %q: exit %d\n%s", tc.days, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("--warn-days %q: stderr lacks %q:\n%s", tc.days, w, stderr)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(stderr, w) {
				t.Errorf("--warn-days %q: stderr has %q:\n%s", tc.days, w, stderr)
			}
		}
		if !strings.Contains(stdout, "CN=Expired Root ("+files[0]+"), expired "+testpki.Date(-2*day)) {
			t.Errorf("stdout:\n%s", stdout)
		}
	}
	if code, _, stderr := trustRun(t, "root", "--warn-days", "-1", files[0]); code != 2 || !strings.Contains(stderr, "--warn-days must be 0 or more") {
		t.Errorf("--warn-days -1: exit %d\n%s", code, stderr)
	}
}

func TestRootBundleCheckChain(t *testing.T) {
	root := testpki.Root(t, "Root")
	other := testpki.Root(t, "Other Root")
	inter := root.Intermediate(t, "Intermediate")
	dir := t.TempDir()
	server := trustFile(t, dir, "server.crt", inter.Server(t, "db.example.com"), inter)
	client := trustFile(t, dir, "alice.crt", inter.Client(t, "alice"), inter)
	rootFile := trustFile(t, dir, "root.pem", root)
	otherFile := trustFile(t, dir, "other.pem", other)

	for _, tc := range []struct {
		name, cert, roots string
		code              int
		want              string
	}{
		{"server certificate", server, rootFile, 0, server + " chains to CN=Root, as libpq checks the server"},
		{"client certificate", client, rootFile, 0, client + " chains to CN=Root, as the server checks a client certificate"},
		{"another root", server, otherFile, 1, "pgcert: error: " + server + " does not chain to the bundle as libpq checks the server (sslmode=verify-ca or verify-full): unable to get local issuer certificate (error 20 at depth 1, CN=Intermediate (" + server + "))\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "root.crt")
			code, stdout, stderr := trustRun(t, "root", "-o", out, "--check-chain", tc.cert, tc.roots)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			if cmdutil.FileExists(out) != (tc.code == 0) {
				t.Errorf("written: %v, exit %d", cmdutil.FileExists(out), code)
			}
			if tc.code != 0 && !strings.Contains(stderr, "pgcert: hint: nothing was written") {
				t.Errorf("stderr:\n%s", stderr)
			}
			purpose := "sslserver"
			if tc.cert == client {
				purpose = "sslclient"
			}
			v := testenv.OpenSSLVerify(t, append(opensslAt(), "-purpose", purpose, "-CAfile", tc.roots, "-untrusted", tc.cert, tc.cert)...)
			if v.OK != (tc.code == 0) {
				t.Errorf("openssl: %s", v.Output)
			}
		})
	}
}

func TestRootBundleJSON(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	dir := t.TempDir()
	server := trustFile(t, dir, "server.crt", inter.Server(t, "db.example.com"), inter)
	out := filepath.Join(dir, "root.crt")
	code, stdout, stderr := trustRun(t, "root", "--json", "-o", out, "--check-chain", server, trustFile(t, dir, "cas.pem", root, inter, root))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep chain.RootsReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.File.Path != out || len(rep.Certificates) != 2 || rep.Certificates[0].Role != chain.RoleIntermediate || rep.Certificates[1].Role != chain.RoleRoot ||
		len(rep.Duplicates) != 1 || len(rep.Warnings) != 0 || rep.CheckChain == nil || !rep.CheckChain.OK || len(rep.CheckChain.Chain) != 3 {
		t.Errorf("%+v", rep)
	}
	for _, field := range []string{`"file"`, `"certificates"`, `"role"`, `"duplicates"`, `"warnings"`, `"check_chain"`, `"purpose"`} {
		if !strings.Contains(stdout, field) {
			t.Errorf("--json lacks %s", field)
		}
	}
}
