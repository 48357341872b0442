package cli

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/lintcert"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// makeRequest writes an unencrypted key and a request for it into dir, with pgcert
// req, and returns their paths.
func makeRequest(t *testing.T, dir string, args ...string) (req, key string) {
	t.Helper()
	req, key = filepath.Join(dir, "server.req"), filepath.Join(dir, "server.key")
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, append([]string{"req", "--nopass", "-o", req, "--new-key", key}, args...)...); code != 0 {
		t.Fatalf("req: exit %d: %s", code, errOut)
	}
	return req, key
}

func readCertFile(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil || len(certs) != 1 {
		t.Fatalf("%s: %d certificates, %v", path, len(certs), err)
	}
	return certs[0]
}

// opensslVerifySelf checks that openssl takes the certificate as its own root, as
// libpq does with sslrootcert=server.crt, at the test factory's time.
func opensslVerifySelf(t *testing.T, path string, at time.Time) {
	t.Helper()
	out := testenv.OpenSSL(t, "verify", "-attime", strconv.FormatInt(at.Unix(), 10), "-CAfile", path, "-purpose", "sslserver", path)
	if !strings.Contains(string(out), ": OK") {
		t.Errorf("openssl verify: %s", out)
	}
}

func TestSelfsignFromRequest(t *testing.T) {
	dir := t.TempDir()
	req, key := makeRequest(t, dir, "--subject", "/C=US/O=Acme/CN=db.example.com", "--san", "DNS:db.example.com,DNS:localhost,IP:127.0.0.1")
	crt := filepath.Join(dir, "server.crt")
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "--req", req, "--key", key, "-o", crt, "--days", "30", "--text"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	cert := readCertFile(t, crt)
	csr := readRequestFile(t, req)
	if !bytes.Equal(cert.RawSubject, csr.RawSubject) || !bytes.Equal(cert.RawIssuer, cert.RawSubject) {
		t.Errorf("subject %q, issuer %q", subjectOf(t, cert.RawSubject), subjectOf(t, cert.RawIssuer))
	}
	if strings.Join(cert.DNSNames, ",") != "db.example.com,localhost" || len(cert.IPAddresses) != 1 {
		t.Errorf("SANs %v %v", cert.DNSNames, cert.IPAddresses)
	}
	now := f.Now()
	if !cert.NotAfter.Equal(now.Add(30*24*time.Hour)) || !cert.NotBefore.Equal(now.Add(-selfsign.Backdate)) {
		t.Errorf("validity %v .. %v", cert.NotBefore, cert.NotAfter)
	}
	if cert.IsCA || len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth ||
		len(cert.SubjectKeyId) == 0 || !bytes.Equal(cert.AuthorityKeyId, cert.SubjectKeyId) ||
		cert.SerialNumber.BitLen() < 64 || cert.SerialNumber.BitLen() > 159 {
		t.Errorf("profile: CA %v EKU %v SKID %x AKID %x serial %d bits", cert.IsCA, cert.ExtKeyUsage, cert.SubjectKeyId, cert.AuthorityKeyId, cert.SerialNumber.BitLen())
	}
	if err := cert.CheckSignatureFrom(cert); err != nil && cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) != nil {
		t.Errorf("not self-signed: %v", err)
	}
	data, _ := os.ReadFile(crt)
	if !strings.HasPrefix(string(data), "Certificate:\n") || fileMode(t, crt) != 0o644 {
		t.Errorf("--text output or mode %o: %.40q", fileMode(t, crt), data)
	}
	if !strings.Contains(out.String(), "wrote "+crt) || !strings.Contains(out.String(), "(30 days)") {
		t.Errorf("stdout = %q", out)
	}
	lintcert.Certificate(t, crt, cert.Raw)
	opensslVerifySelf(t, crt, now)
	opensslVerifyRequest(t, req)
}

// opensslVerifyRequest checks a request's signature with openssl, which exits 0
// whatever the verdict: the verdict is in its output.
func opensslVerifyRequest(t *testing.T, path string) {
	t.Helper()
	if out := testenv.OpenSSL(t, "req", "-in", path, "-verify", "-noout"); !strings.Contains(string(out), "verify OK") {
		t.Errorf("openssl req -verify %s: %s", path, out)
	}
}

func TestSelfsignJSON(t *testing.T) {
	dir := t.TempDir()
	req, key := makeRequest(t, dir, "--cn", "db.example.com")
	crt := filepath.Join(dir, "server.crt")
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "--json", "selfsign", "--req", req, "--key", key, "-o", crt); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		File        fsutil.FileReport `json:"file"`
		Certificate struct {
			Subject    string `json:"subject"`
			SelfSigned bool   `json:"self_signed"`
			DaysLeft   int    `json:"days_left"`
			Serial     string `json:"serial"`
		} `json:"certificate"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	cert := readCertFile(t, crt)
	if doc.File.Path != crt || doc.File.Mode != "0644" || !doc.Certificate.SelfSigned ||
		doc.Certificate.DaysLeft != selfsign.DefaultServerDays || doc.Certificate.Subject != "CN = db.example.com" ||
		!strings.EqualFold(strings.TrimLeft(doc.Certificate.Serial, "0"), cert.SerialNumber.Text(16)) {
		t.Errorf("%s", out)
	}
}

// signedByOther returns a PEM request that carries the public key of one key but is
// signed by another: it does not prove possession of its key.
func signedByOther(t *testing.T) []byte {
	t.Helper()
	carried, signer := testpki.NewKey(t), testpki.NewKey(t)
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, err := selfsign.NewRequest(carried, subject, selfsign.SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var csr struct {
		Info asn1.RawValue
		Alg  pkix.AlgorithmIdentifier
		Sig  asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &csr); err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(csr.Info.FullBytes)
	sig, err := ecdsa.SignASN1(rand.Reader, signer.(*ecdsa.PrivateKey), digest[:])
	if err != nil {
		t.Fatal(err)
	}
	csr.Sig = asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}
	out, err := asn1.Marshal(csr)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: out})
}

// TestSelfsignBadInput: each bad input fails with exit 1, an error naming the
// file, a hint, and no certificate written.
func TestSelfsignBadInput(t *testing.T) {
	dir := t.TempDir()
	req, key := makeRequest(t, filepath.Join(dir), "--cn", "db.example.com")
	otherKey := filepath.Join(dir, "other.key")
	other, _ := keys.MarshalPKCS8PEM(testpki.NewKey(t))
	os.WriteFile(otherKey, other, 0o600)
	forged := filepath.Join(dir, "forged.req")
	os.WriteFile(forged, signedByOther(t), 0o644)
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("this is not a certificate request\n"), 0o644)
	cert := testpki.Root(t, "A Certificate")
	certFile := filepath.Join(dir, "cert.pem")
	os.WriteFile(certFile, cert.PEM(), 0o644)

	for _, tc := range []struct {
		name, req, key string
		want           []string
	}{
		{"request signed by another key", forged, key, []string{forged + ": certificate request signature is invalid", "make it again with pgcert req"}},
		{"key that does not match", req, otherKey, []string{otherKey + " does not match " + req, "--key"}},
		{"garbage request", garbage, key, []string{garbage + ": not a certificate request"}},
		{"certificate as request", certFile, key, []string{certFile + ": not a certificate request"}},
		{"garbage key", req, garbage, []string{garbage + ": "}},
		{"certificate as key", req, certFile, []string{certFile + ": ", "not the certificate"}},
		{"missing request", filepath.Join(dir, "none.req"), key, []string{"none.req: no such file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "server.crt")
			f, stdout, errOut, _ := testFactory(t)
			code := runCmd(f, "selfsign", "--req", tc.req, "--key", tc.key, "-o", out)
			if code != cmdutil.ExitFailure {
				t.Errorf("exit %d", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if !strings.Contains(errOut.String(), "pgcert: hint: ") || stdout.Len() != 0 {
				t.Errorf("no hint, or output on stdout: %q %q", errOut, stdout)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a certificate was written")
			}
			assertNoFiles(t, filepath.Dir(out))
		})
	}
}

func TestSelfsignEncryptedKey(t *testing.T) {
	dir := t.TempDir()
	req, key := makeRequest(t, dir, "--cn", "db.example.com")
	data, _ := os.ReadFile(key)
	k, _ := keys.Parse(data, nil)
	enc, _ := keys.MarshalEncryptedPKCS8PEM(k.Signer, []byte("hunter22"), keys.EncryptOptions{Iterations: 1000})
	os.WriteFile(key, enc, 0o600)
	crt := filepath.Join(dir, "server.crt")

	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "--req", req, "--key", key, "-o", crt); code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "--passin env:VAR") {
		t.Fatalf("no passphrase, no terminal: exit %d, %s", code, errOut)
	}
	f, _, errOut, _ = testFactory(t, "hunter22")
	if code := runCmd(f, "selfsign", "--req", req, "--key", key, "-o", crt); code != 0 {
		t.Fatalf("passphrase typed: exit %d, %s", code, errOut)
	}
	if !keys.PublicKeysEqual(readCertFile(t, crt).PublicKey, k.Signer.Public()) {
		t.Error("certificate for another key")
	}
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "--req", req, "--key", key, "-o", crt); code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "already exists") {
		t.Fatalf("existing output: exit %d, %s", code, errOut)
	}
}

// dataDirFiles reads server.key and server.crt of dir and checks that they go
// together.
func dataDirFiles(t *testing.T, dir string) (*x509.Certificate, []byte) {
	t.Helper()
	cert := readCertFile(t, filepath.Join(dir, "server.crt"))
	keyData, err := os.ReadFile(filepath.Join(dir, "server.key"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.Parse(keyData, nil)
	if err != nil {
		t.Fatalf("server.key: %v", err)
	}
	if !keys.PublicKeysEqual(k.Signer.Public(), cert.PublicKey) {
		t.Fatal("server.key does not match server.crt")
	}
	if fileMode(t, filepath.Join(dir, "server.key")) != 0o600 || fileMode(t, filepath.Join(dir, "server.crt")) != 0o644 {
		t.Errorf("modes %o %o", fileMode(t, filepath.Join(dir, "server.key")), fileMode(t, filepath.Join(dir, "server.crt")))
	}
	return cert, keyData
}

func TestSelfsignDataDir(t *testing.T) {
	dir := t.TempDir()
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	cert, keyData := dataDirFiles(t, dir)
	if subjectOf(t, cert.RawSubject) != "CN = db.example.com" || strings.Join(cert.DNSNames, ",") != "db.example.com,localhost" {
		t.Errorf("subject %q, SANs %v", subjectOf(t, cert.RawSubject), cert.DNSNames)
	}
	if out.String() != "ssl = on\n" {
		t.Errorf("stdout = %q", out)
	}
	for _, want := range []string{"not a PostgreSQL data directory yet", "PostgreSQL 18", "wrote " + filepath.Join(dir, "server.key") + ": mode 0600", "add to " + filepath.Join(dir, "postgresql.conf")} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	lintcert.Certificate(t, "selfsign -D", cert.Raw)
	opensslVerifySelf(t, filepath.Join(dir, "server.crt"), f.Now())

	// Never replaced without --force; with it, both are.
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir); code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "--force") {
		t.Fatalf("second run: exit %d, %s", code, errOut)
	}
	again, keyAgain := dataDirFiles(t, dir)
	if !again.Equal(cert) || !bytes.Equal(keyAgain, keyData) {
		t.Fatal("files changed without --force")
	}
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir, "--force", "--host", "db.example.com,10.0.0.5", "--host", "db"); code != 0 {
		t.Fatalf("--force: exit %d, %s", code, errOut)
	}
	replaced, keyReplaced := dataDirFiles(t, dir)
	if replaced.Equal(cert) || bytes.Equal(keyReplaced, keyData) {
		t.Fatal("--force did not replace the files")
	}
	if strings.Join(replaced.DNSNames, ",") != "db.example.com,db" || len(replaced.IPAddresses) != 1 || replaced.IPAddresses[0].String() != "10.0.0.5" {
		t.Errorf("--host: SANs %v %v", replaced.DNSNames, replaced.IPAddresses)
	}
}

// TestSelfsignDataDirAllOrNothing: one of the two files present stops both.
func TestSelfsignDataDirAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "server.crt"), []byte("old"), 0o644)
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir); code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "server.crt already exists") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "server.key")); err == nil {
		t.Error("server.key was written although server.crt could not be")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "server.crt")); string(data) != "old" {
		t.Error("server.crt was replaced")
	}
}

// fakeDataDir makes what pgdata recognises as a PostgreSQL 15 data directory with
// conf as its postgresql.conf.
func fakeDataDir(t *testing.T, conf string) string {
	t.Helper()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "global"), 0o700)
	os.WriteFile(filepath.Join(dir, "global", "pg_control"), make([]byte, 8192), 0o600)
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "postgresql.conf"), []byte(conf), 0o600)
	return dir
}

func TestSelfsignDataDirConfLines(t *testing.T) {
	dir := fakeDataDir(t, "ssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'\nssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'\n")
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"; out.String() != want {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	if strings.Contains(errOut.String(), "not a PostgreSQL data directory") {
		t.Errorf("stderr = %q", errOut)
	}

	dir = fakeDataDir(t, "ssl = on\nssl_cert_file = 'server.crt'\n")
	f, out, errOut, _ = testFactory(t)
	if code := runCmd(f, "--json", "selfsign", "-D", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc dataDirWritten
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if doc.Version != "15" || doc.VersionAssumed || !doc.IsDataDirectory || len(doc.Files) != 2 ||
		strings.Join(doc.ConfLines, "\n") != "ssl = on" || doc.ConfigFile != filepath.Join(dir, "postgresql.conf") ||
		doc.Certificate == nil || strings.Join(doc.Certificate.SANs.DNS, ",") != "db.example.com,localhost" {
		t.Errorf("%s", out)
	}

	dir = fakeDataDir(t, "ssl = on\n")
	f, out, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir); code != 0 || out.String() != "ssl = on\n" || !strings.Contains(errOut.String(), "already on") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestSelfsignDataDirOwner: run as root, the files belong to the data directory's
// owner, the user the server runs as.
func TestSelfsignDataDirOwner(t *testing.T) {
	testenv.RequireRoot(t, "to give files to another user")
	dir := t.TempDir()
	const uid, gid = 4242, 4343
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"server.key", "server.crt"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != uid || st.Gid != gid {
			t.Errorf("%s is owned by %d:%d, want %d:%d", name, st.Uid, st.Gid, uid, gid)
		}
	}
}

func TestSelfsignDataDirRefusals(t *testing.T) {
	f, _, errOut, _ := testFactory(t)
	missing := filepath.Join(t.TempDir(), "nope")
	if code := runCmd(f, "selfsign", "-D", missing); code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), missing+": no such directory") {
		t.Errorf("missing directory: exit %d, %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "-D", file); code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "not a directory") {
		t.Errorf("a file: exit %d, %s", code, errOut)
	}
	dir := t.TempDir()
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir, "--host", "bad host"); code != cmdutil.ExitUsage {
		t.Errorf("bad host: exit %d, %s", code, errOut)
	}
	assertNoFiles(t, dir)

	f, _, errOut, _ = testFactory(t)
	f.Hostname = func() (string, error) { return "", os.ErrNotExist }
	if code := runCmd(f, "selfsign", "-D", dir); code != 0 || !strings.Contains(errOut.String(), "localhost only") {
		t.Errorf("no host name: exit %d, %s", code, errOut)
	}
	if cert, _ := dataDirFiles(t, dir); strings.Join(cert.DNSNames, ",") != "localhost" {
		t.Errorf("SANs %v", cert.DNSNames)
	}
}

func TestSelfsignUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--req", "r"},
		{"--key", "k"},
		{"--req", "r", "--key", "k", "--host", "db"},
		{"--req", "r", "--key", "k", "--type", "rsa"},
		{"--req", "r", "--key", "k", "--days", "0"},
		{"-D", ".", "--req", "r"},
		{"-D", ".", "--key", "k"},
		{"-D", ".", "-o", "x.crt"},
		{"-D", ".", "--type", "dsa"},
		{"-D", ".", "--curve", "P-521"},
		{"-D", ".", "--days", "-1"},
		{"-D", ".", "extra"},
	} {
		dir := t.TempDir()
		t.Chdir(dir)
		f, _, errOut, _ := testFactory(t)
		if code := runCmd(f, append([]string{"selfsign"}, args...)...); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
		assertNoFiles(t, dir)
	}
}

// TestSelfsignDataDirEd25519: an Ed25519 key would sign its own certificate with
// EdDSA, which breaks SCRAM over SSL: refused with the reason, nothing written;
// with --force written, with a warning.
func TestSelfsignDataDirEd25519(t *testing.T) {
	dir := t.TempDir()
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir, "--type", "ed25519"); code != cmdutil.ExitFailure {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"refusing an Ed25519 self-signed server certificate", "could not find digest for NID UNDEF", "--type ec"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 || out.Len() != 0 {
		t.Fatalf("wrote %v, stdout %q", entries, out)
	}
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "selfsign", "-D", dir, "--type", "ed25519", "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	cert, _ := dataDirFiles(t, dir)
	if cert.SignatureAlgorithm != x509.PureEd25519 || !strings.Contains(errOut.String(), "warning") || !strings.Contains(errOut.String(), "NID UNDEF") {
		t.Errorf("signature %v; stderr:\n%s", cert.SignatureAlgorithm, errOut)
	}
}
