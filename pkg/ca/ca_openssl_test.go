package ca

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// opensslOn runs openssl with the configuration pgcert wrote into the CA directory,
// from the directory, as the configuration says to.
func opensslOn(t *testing.T, c *CA, args ...string) string {
	t.Helper()
	testenv.RequireOpenSSL(t)
	full := append([]string{args[0], "-config", ConfigFile}, args[1:]...)
	cmd := exec.Command("openssl", full...)
	cmd.Dir = c.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(full, " "), err, out)
	}
	return string(out)
}

// TestOpenSSLWorksOnPgcertCA proves the layout is openssl ca's: openssl revokes a
// certificate pgcert issued and makes the CRL from pgcert's index, openssl issues into
// pgcert's directory and pgcert reads its line and certificate back, and the CRL
// numbers of both tools follow one another.
func TestOpenSSLWorksOnPgcertCA(t *testing.T) {
	testenv.RequireOpenSSL(t)
	now := time.Now()
	c, err := Create(filepath.Join(t.TempDir(), "ca dir"), CreateOptions{Now: now, Intermediate: true,
		Passphrase: []byte("ca secret"), Encrypt: keys.EncryptOptions{Iterations: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	key := testpki.NewKey(t)
	alice, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("alice"), PublicKey: key.Public(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("bob"), PublicKey: key.Public(), Now: now})
	if err != nil {
		t.Fatal(err)
	}

	// openssl revokes bob from pgcert's index; pgcert reads the R line.
	opensslOn(t, c, "ca", "-revoke", bob.File, "-crl_reason", "superseded", "-passin", "pass:ca secret")
	records, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 || records[1].Entry.Status != StatusRevoked || records[1].Entry.Reason != ReasonSuperseded {
		t.Fatalf("pgcert reads openssl's revocation as %+v", records[1].Entry)
	}

	// openssl -gencrl uses crlnumber 01, pgcert's next CRL 02.
	crlFile := filepath.Join(t.TempDir(), "openssl.crl")
	opensslOn(t, c, "ca", "-gencrl", "-out", crlFile, "-passin", "pass:ca secret")
	crlPEM, _ := os.ReadFile(crlFile)
	lists, err := crl.ParseCRLs(crlPEM)
	if err != nil {
		t.Fatal(err)
	}
	if l := lists[0]; l.Number.Int64() != 1 || len(l.RevokedCertificateEntries) != 1 ||
		l.RevokedCertificateEntries[0].SerialNumber.Cmp(bob.Cert.SerialNumber) != 0 || l.CheckSignatureFrom(c.Cert) != nil {
		t.Errorf("openssl's CRL from pgcert's index: number %v, entries %+v", l.Number, l.RevokedCertificateEntries)
	}
	if err := c.Unlock(func() ([]byte, error) { return []byte("ca secret"), nil }); err != nil {
		t.Fatal(err)
	}
	res, err := c.GenerateCRL(CRLOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signed.Number.Int64() != 2 {
		t.Errorf("pgcert's CRL after openssl's is number %v, want 2", res.Signed.Number)
	}

	// openssl issues from a request into pgcert's directory.
	work := t.TempDir()
	testenv.OpenSSL(t, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", filepath.Join(work, "carol.key"), "-out", filepath.Join(work, "carol.csr"), "-subj", "/CN=carol")
	opensslOn(t, c, "ca", "-batch", "-extensions", "pgcert_client", "-in", filepath.Join(work, "carol.csr"),
		"-out", filepath.Join(work, "carol.crt"), "-passin", "pass:ca secret")
	records, err = c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 3 || string(records[2].Entry.Subject) != "/CN=carol" || records[2].File == "" {
		t.Fatalf("pgcert reads openssl's issue as %+v", records[len(records)-1])
	}
	data, _ := os.ReadFile(records[2].File)
	block, _ := pem.Decode(data)
	carol, err := x509.ParseCertificate(block.Bytes)
	if err != nil || carol.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth || carol.CheckSignatureFrom(c.Cert) != nil {
		t.Fatalf("openssl's certificate in pgcert's copy: %v", err)
	}

	// openssl verifies pgcert's certificates with pgcert's CRLs for both CAs.
	if err := c.Parent.Unlock(func() ([]byte, error) { return []byte("ca secret"), nil }); err != nil {
		t.Fatal(err)
	}
	rootCRL, err := c.Parent.GenerateCRL(CRLOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	interCRL, err := c.GenerateCRL(CRLOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(work, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	rootFile := write("root.pem", PEM(c.Root()))
	interFile := write("inter.pem", PEM(c.Cert))
	crls := write("crls.pem", append(interCRL.Signed.PEM(), rootCRL.Signed.PEM()...))
	verify := func(leaf string) (string, error) {
		out, err := exec.Command("openssl", "verify", "-crl_check_all", "-CRLfile", crls, "-CAfile", rootFile,
			"-untrusted", interFile, leaf).CombinedOutput()
		return string(out), err
	}
	if out, err := verify(alice.File); err != nil {
		t.Errorf("openssl verify alice: %v\n%s", err, out)
	}
	if out, err := verify(bob.File); err == nil || !strings.Contains(out, "revoked") {
		t.Errorf("openssl verify of revoked bob: %v\n%s", err, out)
	}
}

// TestPgcertReadsOpenSSLCA opens a CA directory made by openssl alone, in easy-rsa's
// layout (certs_by_serial/, an encrypted traditional key), and issues and revokes in
// it.
func TestPgcertReadsOpenSSLCA(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "private"), 0o700)
	os.MkdirAll(filepath.Join(dir, EasyRSACertsDir), 0o700)
	testenv.OpenSSL(t, "req", "-x509", "-newkey", "rsa:2048", "-keyout", filepath.Join(dir, KeyFile),
		"-passout", "pass:easy pass", "-out", filepath.Join(dir, CertFile), "-subj", "/CN=Easy-RSA CA", "-days", "100",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
	os.WriteFile(filepath.Join(dir, IndexFile), nil, 0o644)
	os.WriteFile(filepath.Join(dir, SerialFile), []byte("01\n"), 0o644)
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Unlock(func() ([]byte, error) { return []byte("easy pass"), nil }); err != nil {
		t.Fatal(err)
	}
	key := testpki.NewKey(t)
	is, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("dave"), PublicKey: key.Public(), Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(is.File) != filepath.Join(dir, EasyRSACertsDir) {
		t.Errorf("copy in %s", is.File)
	}
	// Is the pgcert line in an openssl-made index what openssl expects?
	cnf := filepath.Join(dir, "easyrsa.cnf")
	os.WriteFile(cnf, opensslConfig(), 0o644)
	status := func() ([]byte, error) {
		cmd := exec.Command("openssl", "ca", "-config", cnf, "-status", SerialHex(is.Cert.SerialNumber.Bytes()))
		cmd.Env = append(os.Environ(), "PGCERT_CA_DIR="+dir)
		return cmd.CombinedOutput()
	}
	out, err := status()
	if !strings.Contains(string(out), "=Valid") {
		t.Errorf("openssl ca -status: %v\n%s", err, out)
	}
	if _, err := c.Revoke(is.Cert.SerialNumber, ReasonNone, time.Now()); err != nil {
		t.Fatal(err)
	}
	out, _ = status()
	if !strings.Contains(string(out), "=Revoked") {
		t.Errorf("openssl ca -status after pgcert's revoke:\n%s", out)
	}
}

// TestOpenSSLConfigFollowsACopy copies a CA directory and runs openssl ca -gencrl on the
// copy, from inside it and from elsewhere with PGCERT_CA_DIR: each run advances the
// copy's CRL number and leaves the original's alone, and a run from elsewhere without
// PGCERT_CA_DIR fails instead of working on another directory.
func TestOpenSSLConfigFollowsACopy(t *testing.T) {
	testenv.RequireOpenSSL(t)
	c := newCA(t, CreateOptions{Now: time.Now()})
	moved := filepath.Join(t.TempDir(), "moved")
	if out, err := exec.Command("cp", "-a", c.Dir, moved).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	original, _ := os.ReadFile(filepath.Join(c.Dir, CRLNumberFile))
	run := func(dir string, env ...string) ([]byte, error) {
		cmd := exec.Command("openssl", "ca", "-config", filepath.Join(moved, ConfigFile), "-gencrl", "-out", filepath.Join(t.TempDir(), "crl.pem"))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		return cmd.CombinedOutput()
	}
	if out, err := run(moved); err != nil {
		t.Fatalf("openssl ca -gencrl in the copy: %v\n%s", err, out)
	}
	if out, err := run(t.TempDir(), "PGCERT_CA_DIR="+moved); err != nil {
		t.Fatalf("openssl ca -gencrl with PGCERT_CA_DIR: %v\n%s", err, out)
	}
	if out, err := run(c.Dir); err != nil {
		t.Fatalf("openssl ca -gencrl in the original with the copy's configuration: %v\n%s", err, out)
	}
	if out, err := run(t.TempDir()); err == nil {
		t.Errorf("openssl ca -gencrl from an unrelated directory without PGCERT_CA_DIR succeeded:\n%s", out)
	}
	got, _ := os.ReadFile(filepath.Join(moved, CRLNumberFile))
	after, _ := os.ReadFile(filepath.Join(c.Dir, CRLNumberFile))
	if string(got) != "03\n" {
		t.Errorf("the copy's crlnumber is %q after two CRLs made in it, want 03", got)
	}
	if string(after) != "02\n" || string(original) != "01\n" {
		t.Errorf("the original's crlnumber went from %q to %q: only the run made in it may advance it", original, after)
	}
}
