package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

// stepCluster is a cluster whose SSL files pgcert init took from a step-ca,
// with a bundle for alice and bob.
type stepCluster struct {
	c       *pgtest.Cluster
	step    *stepCA
	clients map[string]string
}

// newStepCluster runs pgcert init -D --configure against a fresh step-ca, with
// the root's key so that root.crl covers both CAs, and starts the server.
func newStepCluster(t *testing.T) *stepCluster {
	t.Helper()
	s := startStepCA(t)
	c := pgtest.NewCluster(t, pgtest.Options{})
	args := append([]string{"init", "-D", c.DataDir, "--host", serverName, "--configure", "--json",
		"--client", "alice", "--client", "bob", "--clients-dir", filepath.Join(t.TempDir(), "clients"),
		"--root-key", s.RootKey, "--root-key-pass", "file:" + s.RootKeyPass}, s.flags()...)
	r := pgcert(t, args...)
	if r.Code != 0 {
		t.Fatalf("pgcert init against step-ca: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep initJSON
	decodeJSON(t, r, &rep)
	if rep.CA.Dir != s.URL || !rep.Configured || len(rep.Clients) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	server := c.Install.ServerUser
	for _, name := range []string{"server.key", "server.crt", "root.crt", "root.crl", "pgcert-ca.conf"} {
		checkOwner(t, c.Path(name), server.UID)
	}
	// root.crt is step-ca's root, byte for byte what step wrote.
	if got, want := readOne(t, c.Path("root.crt")), readOne(t, s.RootCert); !got.Equal(want) {
		t.Error("root.crt is not the step-ca's root")
	}
	if rec := string(testfs.Read(t, c.Path("pgcert-ca.conf"))); !strings.Contains(rec, s.URL) || !strings.Contains(rec, s.Fingerprint) || strings.Contains(rec, "secret") {
		t.Errorf("pgcert-ca.conf:\n%s", rec)
	}
	sc := &stepCluster{c: c, step: s, clients: map[string]string{}}
	for _, cl := range rep.Clients {
		sc.clients[cl.Role] = cl.Dir
	}
	if r := pgcert(t, "check", "-D", c.DataDir, "--json"); r.Code != 0 {
		t.Errorf("pgcert check after init from step-ca: exit %d, problems %v", r.Code, parseCheck(t, r).problems())
	}
	start(t, c)
	return sc
}

// TestStepCAInitCertLogin: a data directory set up from step-ca serves a
// certificate psql accepts with verify-full, and alice logs in with the cert
// method using the bundle step-ca signed, the CRLs of both CAs in force.
func TestStepCAInitCertLogin(t *testing.T) {
	sc := newStepCluster(t)
	out, stderr, err := login(t, sc.c, sc.clients["alice"], "alice")
	if err != nil || out != "alice true" {
		t.Fatalf("alice with her step-ca bundle: %q, %v\n%s", out, err, stderr)
	}
	if _, stderr, err := login(t, sc.c, sc.clients["alice"], "bob"); err == nil || !strings.Contains(stderr, `certificate authentication failed for user "bob"`) {
		t.Fatalf("alice's certificate as bob: %v\n%s", err, stderr)
	}
	if !bytes.Contains(testfs.Read(t, sc.c.Path("pgcert.conf")), []byte("ssl_crl_file")) {
		t.Error("pgcert.conf names no ssl_crl_file although the root's key was given")
	}
	// Another client later, from the step-ca the data directory records.
	carol := filepath.Join(t.TempDir(), "carol")
	r := pgcert(t, "ca", "issue", "client", "-D", sc.c.DataDir, "--user", "carol", "-o", carol, "--provisioner-pass", "file:"+sc.step.ProvisionerPass)
	if r.Code != 0 {
		t.Fatalf("pgcert ca issue client -D: exit %d\n%s", r.Code, r.Stderr)
	}
	sc.c.SQL(t, "CREATE ROLE carol LOGIN")
	if out, stderr, err := login(t, sc.c, carol, "carol"); err != nil || out != "carol true" {
		t.Fatalf("carol with her step-ca bundle: %q, %v\n%s", out, err, stderr)
	}
	// Her bundle renewed over mutual TLS (no password), the key kept.
	oldCert, oldKey := readOne(t, filepath.Join(carol, "postgresql.crt")), testfs.Read(t, filepath.Join(carol, "postgresql.key"))
	r = pgcert(t, "ca", "renew", "client", "--user", "carol", "-o", carol, "--ca-url", sc.step.URL, "--ca-root", sc.step.RootCert)
	if r.Code != 0 {
		t.Fatalf("pgcert ca renew client --ca-url: exit %d\n%s", r.Code, r.Stderr)
	}
	if newCert := readOne(t, filepath.Join(carol, "postgresql.crt")); newCert.Equal(oldCert) || !bytes.Equal(testfs.Read(t, filepath.Join(carol, "postgresql.key")), oldKey) {
		t.Error("the renewed bundle has the same certificate, or another key")
	}
	if out, stderr, err := login(t, sc.c, carol, "carol"); err != nil || out != "carol true" {
		t.Fatalf("carol with her renewed bundle: %q, %v\n%s", out, err, stderr)
	}
}

// TestStepCAWithoutRootKey: without the root's key, init says why it leaves
// ssl_crl_file out, writes no root.crl, and the server still logs alice in.
func TestStepCAWithoutRootKey(t *testing.T) {
	s := startStepCA(t)
	c := pgtest.NewCluster(t, pgtest.Options{})
	dir := filepath.Join(t.TempDir(), "clients")
	r := pgcert(t, append([]string{"init", "-D", c.DataDir, "--host", serverName, "--configure", "--client", "alice", "--clients-dir", dir}, s.flags()...)...)
	if r.Code != 0 {
		t.Fatalf("pgcert init: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := strings.Count(r.Stderr, "ssl_crl_file is left out: step-ca's root has no CRL"); n != 1 {
		t.Errorf("the warning about ssl_crl_file, %d times:\n%s", n, r.Stderr)
	}
	if _, err := os.Stat(c.Path("root.crl")); !os.IsNotExist(err) {
		t.Errorf("root.crl: %v", err)
	}
	if bytes.Contains(testfs.Read(t, c.Path("pgcert.conf")), []byte("ssl_crl_file")) {
		t.Error("pgcert.conf names ssl_crl_file without a CRL for the root")
	}
	if r := pgcert(t, "check", "-D", c.DataDir, "--json"); r.Code != 0 {
		t.Errorf("pgcert check: exit %d, problems %v", r.Code, parseCheck(t, r).problems())
	}
	start(t, c)
	if out, stderr, err := login(t, c, filepath.Join(dir, "alice"), "alice"); err != nil || out != "alice true" {
		t.Fatalf("alice: %q, %v\n%s", out, err, stderr)
	}
}

// servedSerial asks the server for its certificate with pgcert probe, trusting
// the step-ca's root, and returns the leaf's serial.
func (sc *stepCluster) servedSerial(t *testing.T) string {
	t.Helper()
	r := pgcert(t, "probe", serverName+":"+strconv.Itoa(sc.c.Port()), "--hostaddr", "127.0.0.1", "--root", sc.step.RootCert,
		"--sslmode", "verify-full", "--warn-days", "0", "--json")
	var rep struct {
		Chain []struct {
			Serial string `json:"serial"`
		} `json:"chain"`
		OK bool `json:"ok"`
	}
	decodeJSON(t, r, &rep)
	if r.Code != 0 || !rep.OK || len(rep.Chain) == 0 {
		t.Fatalf("pgcert probe: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	return rep.Chain[0].Serial
}

// snapshot is every regular file of a directory tree and its contents.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[path] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStepCARenew: pgcert renew -D --force --reload renews the server
// certificate with step-ca from the data directory's record alone (no flag, no
// password, as a timer runs it): the server serves the new serial, and
// connections made meanwhile all succeed. With step-ca stopped, renew fails
// naming the CA's address, exit 1, and leaves the data directory byte for byte
// as it was.
func TestStepCARenew(t *testing.T) {
	sc := newStepCluster(t)
	c := sc.c
	before := sc.servedSerial(t)
	conn := bundleConn(c, sc.clients["alice"], "alice")
	stop := connectionLoop(t, c, conn)
	r := pgcert(t, "renew", "-D", c.DataDir, "--force", "--reload", "--json")
	n, failures := stop()
	if r.Code != 0 {
		t.Fatalf("pgcert renew --force --reload: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep renewJSON
	decodeJSON(t, r, &rep)
	if rep.Action != "renewed" || rep.Certificate.New == nil || rep.Reload == nil || !rep.Reload.Confirmed {
		t.Fatalf("report: %+v", rep)
	}
	after := sc.servedSerial(t)
	if after == before || after != rep.Certificate.New.Serial {
		t.Fatalf("served serial %s after renewal (before %s, renewed %s)", after, before, rep.Certificate.New.Serial)
	}
	if n == 0 || len(failures) > 0 {
		t.Fatalf("%d connections during the renewal, %d refused:\n%s", n, len(failures), strings.Join(failures, "\n"))
	}
	if r := pgcert(t, "check", "-D", c.DataDir, "--json"); r.Code != 0 {
		t.Errorf("pgcert check after renew: exit %d, problems %v", r.Code, parseCheck(t, r).problems())
	}

	sc.step.Stop(t)
	files := snapshot(t, c.DataDir)
	r = pgcert(t, "renew", "-D", c.DataDir, "--force")
	if r.Code != 1 || !strings.Contains(r.Stderr, sc.step.URL) || !strings.Contains(r.Stderr, "did not answer") {
		t.Fatalf("renew with step-ca stopped: exit %d\n%s", r.Code, r.Stderr)
	}
	got := snapshot(t, c.DataDir)
	for path, data := range files {
		if filepath.Base(path) == "postmaster.pid" || strings.Contains(path, "/pg_") || strings.Contains(path, "/base/") || strings.Contains(path, "/global/") {
			continue // the running server's own files
		}
		if got[path] != data {
			t.Errorf("%s changed although the renewal failed", path)
		}
	}
	for path := range got {
		if _, ok := files[path]; !ok && !strings.Contains(path, "/pg_") && !strings.Contains(path, "/base/") && !strings.Contains(path, "/global/") {
			t.Errorf("%s appeared although the renewal failed", path)
		}
	}
}

// TestStepCARevoke: pgcert ca revoke -D revokes bob's certificate at the step-ca
// the data directory records; pgcert renew -D --reload then sees step-ca's newer
// CRL, puts it into root.crl beside the root's, and the server refuses bob while
// alice still logs in.
func TestStepCARevoke(t *testing.T) {
	sc := newStepCluster(t)
	c := sc.c
	bob := sc.clients["bob"]
	if out, stderr, err := login(t, c, bob, "bob"); err != nil || out != "bob true" {
		t.Fatalf("bob before revocation: %q, %v\n%s", out, err, stderr)
	}
	r := pgcert(t, "ca", "revoke", "-D", c.DataDir, "--cert", filepath.Join(bob, "postgresql.crt"), "--reason", "keyCompromise",
		"--provisioner-pass", "file:"+sc.step.ProvisionerPass)
	if r.Code != 0 || !strings.Contains(r.Stdout, "revoked") || !strings.Contains(r.Stderr, "pgcert renew -D "+c.DataDir+" --reload") {
		t.Fatalf("pgcert ca revoke -D: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = pgcert(t, "renew", "-D", c.DataDir, "--reload", "--json")
	if r.Code != 0 {
		t.Fatalf("pgcert renew --reload after revocation: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep renewJSON
	decodeJSON(t, r, &rep)
	if rep.Certificate.Renewed || rep.CRL == nil || !rep.CRL.Refreshed || len(rep.CRL.CRLs) != 2 {
		t.Fatalf("renew after revocation: %s", r.Stdout)
	}
	if _, stderr, err := login(t, c, bob, "bob"); err == nil || !strings.Contains(stderr, "sslv3 alert certificate revoked") {
		t.Errorf("bob after revocation and renew: %v\n%s", err, stderr)
	}
	if out, stderr, err := login(t, c, sc.clients["alice"], "alice"); err != nil || out != "alice true" {
		t.Errorf("alice after bob's revocation: %q, %v\n%s", out, err, stderr)
	}
	// Nothing is due right after: the CRL in root.crl is step-ca's newest.
	if r := pgcert(t, "renew", "-D", c.DataDir, "--json"); r.Code != 0 || !strings.Contains(r.Stdout, `"action": "nothing_to_do"`) {
		t.Errorf("a second renew: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := pgcert(t, "check", "-D", c.DataDir, "--json"); r.Code != 0 {
		t.Errorf("pgcert check after the revocation: exit %d, problems %v", r.Code, parseCheck(t, r).problems())
	}
}

// TestStepCAMixingRefused: a data directory bound to step-ca refuses a CA
// directory without --new-ca, and one bound to a CA directory refuses a step-ca,
// each naming both CAs and changing nothing.
func TestStepCAMixingRefused(t *testing.T) {
	s := startStepCA(t)
	stepDir, caDir := t.TempDir(), t.TempDir()
	if r := pgcert(t, append([]string{"init", "-D", stepDir, "--host", serverName}, s.flags()...)...); r.Code != 0 {
		t.Fatalf("init from step-ca: exit %d\n%s", r.Code, r.Stderr)
	}
	before := snapshot(t, stepDir)
	r := pgcert(t, "init", "-D", stepDir, "--ca-dir", filepath.Join(t.TempDir(), "ca"), "--host", serverName, "--force")
	if r.Code != 1 || !strings.Contains(r.Stderr, "records the step-ca at "+s.URL) || !strings.Contains(r.Stderr, "--new-ca") {
		t.Errorf("a CA directory on a step-ca data directory: exit %d\n%s", r.Code, r.Stderr)
	}
	if after := snapshot(t, stepDir); len(after) != len(before) || after[filepath.Join(stepDir, "server.crt")] != before[filepath.Join(stepDir, "server.crt")] {
		t.Error("the refused init changed the data directory")
	}
	if r := pgcert(t, "init", "-D", caDir, "--ca-dir", filepath.Join(t.TempDir(), "ca"), "--host", serverName); r.Code != 0 {
		t.Fatalf("init from a CA directory: exit %d\n%s", r.Code, r.Stderr)
	}
	r = pgcert(t, append([]string{"init", "-D", caDir, "--host", serverName, "--force"}, s.flags()...)...)
	if r.Code != 1 || !strings.Contains(r.Stderr, "not the step-ca at "+s.URL) || !strings.Contains(r.Stderr, "--new-ca") {
		t.Errorf("a step-ca on a CA directory's data directory: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := pgcert(t, append([]string{"init", "-D", caDir, "--host", serverName, "--force", "--new-ca"}, s.flags()...)...); r.Code != 0 {
		t.Errorf("--new-ca moves it to the step-ca: exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestStepCASign: pgcert ca sign --ca-url has step-ca sign a request made
// elsewhere, for exactly its names, and pgcert ca issue server --ca-url a key
// made here; each file holds step-ca's intermediate, and openssl verifies both
// against step-ca's root.
func TestStepCASign(t *testing.T) {
	s := startStepCA(t)
	dir := t.TempDir()
	key := testpki.NewKey(t)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "app"}, DNSNames: []string{"app"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr := filepath.Join(dir, "app.csr")
	if err := os.WriteFile(csr, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "app.crt")
	r := pgcert(t, append([]string{"ca", "sign", csr, "--profile", "client", "-o", out}, s.flags()...)...)
	if r.Code != 0 {
		t.Fatalf("pgcert ca sign --ca-url: exit %d\n%s", r.Code, r.Stderr)
	}
	cert := readOne(t, out)
	if cert.Subject.CommonName != "app" || !keys.PublicKeysEqual(cert.PublicKey, key.Public()) {
		t.Errorf("signed %v for another key or name", cert.Subject)
	}
	if v := testenv.OpenSSLVerify(t, "-CAfile", s.RootCert, "-untrusted", out, out); !v.OK {
		t.Errorf("openssl verify: %s", v.Output)
	}
	// A server key and certificate, made here and signed there.
	srv := filepath.Join(dir, "srv")
	r = pgcert(t, append([]string{"ca", "issue", "server", "--host", "app.example.com", "--host", "10.0.0.7", "-o", srv}, s.flags()...)...)
	if r.Code != 0 {
		t.Fatalf("pgcert ca issue server --ca-url: exit %d\n%s", r.Code, r.Stderr)
	}
	if c := readOne(t, srv+".crt"); c.Subject.CommonName != "app.example.com" || len(c.IPAddresses) != 1 {
		t.Errorf("server certificate %v %v", c.Subject, c.IPAddresses)
	}
	if v := testenv.OpenSSLVerify(t, "-CAfile", s.RootCert, "-untrusted", srv+".crt", "-purpose", "sslserver", srv+".crt"); !v.OK {
		t.Errorf("openssl verify of the server certificate: %s", v.Output)
	}
}
