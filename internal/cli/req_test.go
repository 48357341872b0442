package cli

import (
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// readRequestFile parses the request pgcert wrote.
func readRequestFile(t *testing.T, path string) *x509.CertificateRequest {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := selfsign.ParseRequest(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return csr
}

func subjectOf(t *testing.T, der []byte) string {
	t.Helper()
	s, err := selfsign.FormatSubject(der)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("%s was left in %s", e.Name(), dir)
	}
}

// TestReqWithoutTerminal: no questions, the host name as CN and DNS SAN, one line
// on stderr saying so.
func TestReqWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	f, out, errOut, _ := testFactory(t)
	req, key := filepath.Join(dir, "server.req"), filepath.Join(dir, "privkey.pem")
	if code := runCmd(f, "req", "--nopass", "-o", req, "--new-key", key); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	csr := readRequestFile(t, req)
	if got := subjectOf(t, csr.RawSubject); got != "CN = db.example.com" {
		t.Errorf("subject %q", got)
	}
	if strings.Join(csr.DNSNames, ",") != "db.example.com" || len(csr.IPAddresses) != 0 {
		t.Errorf("SANs %v %v", csr.DNSNames, csr.IPAddresses)
	}
	if lines := strings.Split(strings.TrimSpace(errOut.String()), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], "no terminal") || !strings.Contains(lines[0], "db.example.com") {
		t.Errorf("stderr = %q", errOut)
	}
	if fileMode(t, key) != 0o600 || fileMode(t, req) != 0o644 {
		t.Errorf("modes %o %o", fileMode(t, key), fileMode(t, req))
	}
	data, _ := os.ReadFile(key)
	k, err := keys.Parse(data, nil)
	if err != nil {
		t.Fatalf("--nopass key: %v", err)
	}
	if !keys.PublicKeysEqual(k.Signer.Public(), csr.PublicKey) || k.Info.Algorithm != "ECDSA" || k.Info.Curve != "P-256" {
		t.Errorf("key %+v does not match the request", k.Info)
	}
	if !strings.Contains(out.String(), "wrote "+key) || !strings.Contains(out.String(), "wrote "+req) {
		t.Errorf("stdout = %q", out)
	}
}

// TestReqWithoutTerminalNeedsPassphrase: an encrypted key needs --passout; pgcert
// fails at once, naming the flags, and writes nothing.
func TestReqWithoutTerminalNeedsPassphrase(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, _ := testFactory(t)
	code := runCmd(f, "req", "--cn", "db", "-o", filepath.Join(dir, "server.req"), "--new-key", filepath.Join(dir, "privkey.pem"))
	if code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "--passout env:VAR") || !strings.Contains(errOut.String(), "--nopass") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	assertNoFiles(t, dir)
}

// TestReqForm fills the subject form, takes the default Common Name, leaves
// fields out, and encrypts the key with the passphrase typed twice.
func TestReqForm(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, fake := testFactory(t, "US", "", " ", "Acme", "", nil, "dba@example.com", "hunter22", "hunter22")
	req, key := filepath.Join(dir, "server.req"), filepath.Join(dir, "privkey.pem")
	if code := runCmd(f, "req", "-o", req, "--new-key", key); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	wantAsked := []string{"Country Name", "State or Province", "Locality", "Organization Name", "Organizational Unit", "Common Name", "Email Address", "Enter pass phrase for " + key, "Verifying"}
	if len(fake.Asked) != len(wantAsked) {
		t.Fatalf("asked %q", fake.Asked)
	}
	for i, w := range wantAsked {
		if !strings.HasPrefix(fake.Asked[i], w) {
			t.Errorf("question %d is %q, want %q...", i, fake.Asked[i], w)
		}
	}
	csr := readRequestFile(t, req)
	if got := subjectOf(t, csr.RawSubject); got != "C = US, O = Acme, CN = db.example.com, emailAddress = dba@example.com" {
		t.Errorf("subject %q", got)
	}
	if strings.Join(csr.DNSNames, ",") != "db.example.com" || len(csr.EmailAddresses) != 0 {
		t.Errorf("SANs %v %v", csr.DNSNames, csr.EmailAddresses)
	}
	data, _ := os.ReadFile(key)
	if _, err := keys.Parse(data, nil); err != keys.ErrPassphraseRequired {
		t.Fatalf("the key is not encrypted: %v", err)
	}
	k, err := keys.Parse(data, func() ([]byte, error) { return []byte("hunter22"), nil })
	if err != nil || !keys.PublicKeysEqual(k.Signer.Public(), csr.PublicKey) {
		t.Fatalf("key: %v", err)
	}
}

// TestReqFormAsksAgain: an answer that cannot be in a subject is asked again, with
// the reason; three bad answers fail.
func TestReqFormAsksAgain(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, _ := testFactory(t, "USA", "US", "", "", "", "", "db.example.com", "")
	req := filepath.Join(dir, "server.req")
	if code := runCmd(f, "req", "--nopass", "-o", req, "--new-key", filepath.Join(dir, "k.pem")); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "exactly 2 characters") || !strings.Contains(errOut.String(), "try again") {
		t.Errorf("stderr = %q", errOut)
	}
	if got := subjectOf(t, readRequestFile(t, req).RawSubject); got != "C = US, CN = db.example.com" {
		t.Errorf("subject %q", got)
	}

	dir = t.TempDir()
	f, _, errOut, _ = testFactory(t, "USA", "usa", "U")
	if code := runCmd(f, "req", "--nopass", "-o", filepath.Join(dir, "r"), "--new-key", filepath.Join(dir, "k")); code != cmdutil.ExitFailure {
		t.Fatalf("three bad countries: exit %d, %s", code, errOut)
	}
	assertNoFiles(t, dir)
}

// TestReqCommonNameNotHost: a Common Name that is not a host name gives no SAN;
// pgcert refuses rather than write a request no server certificate can come from.
func TestReqCommonNameNotHost(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, _ := testFactory(t)
	code := runCmd(f, "req", "--nopass", "--cn", "My Server", "-o", filepath.Join(dir, "r"), "--new-key", filepath.Join(dir, "k"))
	if code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "--san") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	assertNoFiles(t, dir)

	f, _, errOut, _ = testFactory(t)
	req := filepath.Join(dir, "r")
	if code := runCmd(f, "req", "--nopass", "--cn", "My Server", "--san", "DNS:db.example.com", "--san", "IP:10.0.0.5", "-o", req, "--new-key", filepath.Join(dir, "k")); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	csr := readRequestFile(t, req)
	if strings.Join(csr.DNSNames, ",") != "db.example.com" || len(csr.IPAddresses) != 1 || csr.IPAddresses[0].String() != "10.0.0.5" {
		t.Errorf("SANs %v %v", csr.DNSNames, csr.IPAddresses)
	}
}

func TestReqIPCommonName(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, _ := testFactory(t)
	req := filepath.Join(dir, "r")
	if code := runCmd(f, "req", "--nopass", "--cn", "10.0.0.5", "-o", req, "--new-key", filepath.Join(dir, "k")); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	csr := readRequestFile(t, req)
	if len(csr.DNSNames) != 0 || len(csr.IPAddresses) != 1 || csr.IPAddresses[0].String() != "10.0.0.5" {
		t.Errorf("SANs %v %v", csr.DNSNames, csr.IPAddresses)
	}
}

// TestReqExistingKey makes a request for an encrypted key given with --key.
func TestReqExistingKey(t *testing.T) {
	dir := t.TempDir()
	k, err := keys.Generate(keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := keys.MarshalEncryptedPKCS8PEM(k, []byte("hunter22"), keys.EncryptOptions{Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "server.key")
	os.WriteFile(keyFile, enc, 0o600)
	passFile := filepath.Join(dir, "pass")
	os.WriteFile(passFile, []byte("hunter22\n"), 0o600)

	f, _, errOut, _ := testFactory(t)
	req := filepath.Join(dir, "db.req")
	code := runCmd(f, "req", "--key", keyFile, "--passin", "file:"+passFile, "--subject", "/O=Acme/CN=db.example.com", "-o", req, "--text")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	csr := readRequestFile(t, req)
	if !keys.PublicKeysEqual(k.Public(), csr.PublicKey) || subjectOf(t, csr.RawSubject) != "O = Acme, CN = db.example.com" {
		t.Errorf("request for the wrong key or subject")
	}
	data, _ := os.ReadFile(req)
	if !strings.HasPrefix(string(data), "Certificate Request:\n") || !strings.Contains(string(data), "-----BEGIN CERTIFICATE REQUEST-----") {
		t.Errorf("--text: %s", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("a new key was written beside --key: %v", entries)
	}

	f, _, errOut, _ = testFactory(t)
	code = runCmd(f, "req", "--key", keyFile, "--passin", "pass:wrong pass", "--cn", "db", "-o", filepath.Join(dir, "other.req"))
	if code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), keyFile+": wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.req")); err == nil {
		t.Error("a request was written with a wrong passphrase")
	}
}

// TestReqRefusesToReplace: an existing request stops everything before a key is
// made; --force replaces both.
func TestReqRefusesToReplace(t *testing.T) {
	dir := t.TempDir()
	req, key := filepath.Join(dir, "server.req"), filepath.Join(dir, "privkey.pem")
	os.WriteFile(req, []byte("old"), 0o644)
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "req", "--nopass", "--cn", "db", "-o", req, "--new-key", key); code != cmdutil.ExitFailure ||
		!strings.Contains(errOut.String(), req+" already exists") || !strings.Contains(errOut.String(), "--force") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(key); err == nil {
		t.Error("the key was written although the request could not be")
	}
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "req", "--nopass", "--cn", "db", "-o", req, "--new-key", key, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	readRequestFile(t, req)
}

func TestReqJSONAndStdout(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, _ := testFactory(t)
	key := filepath.Join(dir, "k.pem")
	if code := runCmd(f, "--json", "req", "--cn", "db.example.com", "--passout", "env:PGCERT_TEST_PASS", "-o", filepath.Join(dir, "r"), "--new-key", key); code != cmdutil.ExitFailure {
		t.Fatalf("an unset variable: exit %d, %s", code, errOut)
	}
	f, out, errOut, _ := testFactory(t)
	f.Getenv = func(k string) (string, bool) {
		if k == "PGCERT_TEST_PASS" {
			return "hunter22", true
		}
		return "", false
	}
	if code := runCmd(f, "--json", "req", "--cn", "db.example.com", "--passout", "env:PGCERT_TEST_PASS", "-o", filepath.Join(dir, "r"), "--new-key", key); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		RequestFile *fsutil.FileReport `json:"request_file"`
		KeyFile     *fsutil.FileReport `json:"key_file"`
		Key         *keys.Info         `json:"key"`
		Request     struct {
			Subject string `json:"subject"`
			SANs    struct {
				DNS []string `json:"dns"`
			} `json:"sans"`
			PublicKey struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"public_key"`
			SignatureValid bool `json:"signature_valid"`
		} `json:"request"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if doc.RequestFile == nil || doc.KeyFile == nil || doc.KeyFile.Mode != "0600" || !doc.Key.Encrypted ||
		doc.Key.Fingerprint != doc.Request.PublicKey.Fingerprint || doc.Request.Subject != "CN = db.example.com" ||
		!doc.Request.SignatureValid || strings.Join(doc.Request.SANs.DNS, ",") != "db.example.com" {
		t.Errorf("%s", out)
	}

	f, out, errOut, _ = testFactory(t)
	if code := runCmd(f, "req", "--nopass", "--cn", "db", "-o", "-", "--new-key", filepath.Join(dir, "k2.pem")); code != 0 {
		t.Fatalf("-o -: exit %d: %s", code, errOut)
	}
	if _, err := selfsign.ParseRequest(out.Bytes()); err != nil || !strings.Contains(errOut.String(), "wrote "+filepath.Join(dir, "k2.pem")) {
		t.Errorf("-o -: %v, stdout %q, stderr %q", err, out, errOut)
	}
}

func TestReqUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--key", "k", "--new-key", "n"},
		{"--key", "k", "--nopass"},
		{"--key", "k", "--type", "rsa"},
		{"--passin", "pass:x"},
		{"--nopass", "--passout", "env:X"},
		{"--cn", "a", "--subject", "/CN=b"},
		{"--cn", "a", "--san", "FOO:bar"},
		{"--subject", "CN=a"},
		{"--subject", "/C=USA"},
		{"--type", "dsa"},
		{"--type", "ec", "--bits", "2048"},
		{"--new-key", "same", "-o", "same"},
		{"--json", "-o", "-"},
		{"extra"},
	} {
		dir := t.TempDir()
		t.Chdir(dir)
		f, _, errOut, _ := testFactory(t)
		if code := runCmd(f, append([]string{"req", "--nopass"}, args...)...); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
		assertNoFiles(t, dir)
	}
}

// TestReqOpenSSLVerifies: openssl accepts the request of every key type req makes
// but RSA (slow to generate; pkg/selfsign covers RSA requests).
func TestReqOpenSSLVerifies(t *testing.T) {
	testenv.RequireOpenSSL(t)
	for _, args := range [][]string{{}, {"--curve", "P-384"}, {"--type", "ed25519"}} {
		dir := t.TempDir()
		req := filepath.Join(dir, "server.req")
		f, _, errOut, _ := testFactory(t)
		all := append([]string{"req", "--nopass", "--text", "--subject", "/C=US/ST=Ohio/O=Acme/CN=db.example.com/emailAddress=dba@example.com", "--san", "DNS:db.example.com,IP:10.0.0.5", "-o", req, "--new-key", filepath.Join(dir, "k")}, args...)
		if code := runCmd(f, all...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		opensslVerifyRequest(t, req)
		out := string(testenv.OpenSSL(t, "req", "-in", req, "-noout", "-subject"))
		if strings.TrimSpace(out) != "subject=C = US, ST = Ohio, O = Acme, CN = db.example.com, emailAddress = dba@example.com" {
			t.Errorf("%v: openssl reads the subject as %q", args, out)
		}
	}
}
