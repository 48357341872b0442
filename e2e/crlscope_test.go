package e2e

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestCRLScope: the intermediate's CRL carries a critical issuing distribution
// point, as step-ca's do. With certificates that do not name it in their CRL
// distribution points, check -D reports the CRL and the real server refuses
// the client with "different CRL scope"; with server and client certificates
// that name it, the client logs in and check reports no error, only what every
// client certificate must carry.
func TestCRLScope(t *testing.T) {
	const uri = "http://crl.pgcert.test/intermediate.crl"
	h := newHierarchy(t)
	c := sslSetup(t, h, "cert")
	c.WriteFile(t, "root.crt", testpki.Bundle(h.root), 0o644)
	crls := append(h.inter.ScopedCRLPEM(t, h.now.Add(-time.Hour), h.now.Add(90*24*time.Hour), uri),
		h.crl(t, h.root, h.now.Add(-time.Hour), h.now.Add(90*24*time.Hour))...)
	c.WriteFile(t, "root.crl", crls, 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'")

	r := pgcert(t, "check", "-D", c.DataDir, "--json")
	rep := parseCheck(t, r)
	if r.Code == 0 || !sameSet(rep.problems(), []string{"ssl_crl_file/crl-scope error"}) {
		t.Fatalf("check: exit %d, problems %v", r.Code, rep.problems())
	}
	f := rep.one(t, "ssl_crl_file", "crl-scope")
	if !strings.Contains(f.Message, "leaves out the server certificate") || !strings.Contains(f.Message, uri) ||
		!strings.Contains(f.Detail, "different CRL scope") || !strings.Contains(f.Fix, "crlDistributionPoints = URI:"+uri) {
		t.Errorf("finding %+v", f)
	}
	c.MustStart(t)
	mark := c.LogMark()
	stderr, err := connectWithChain(t, c, h, h.client)
	if err == nil || !strings.Contains(stderr, "sslv3 alert certificate unknown") {
		t.Errorf("a client certificate without the CRL's distribution point: want a refusal, got %v\n%s", err, stderr)
	}
	// PostgreSQL 15 logs no reason; OpenSSL, given the server's files, names it.
	if err := c.WaitForLogSince(mark, "could not accept SSL connection: certificate verify failed", 10*time.Second); err != nil {
		t.Errorf("the server did not log the refusal: %v", err)
	}
	if v := scopeVerify(t, c, h, h.client); v.Code != 44 || v.Depth != 0 || v.Text != "different CRL scope" {
		t.Errorf("openssl verify: %+v", v)
	}

	nb, na := validFrom(h.now)
	server := testpki.Make(t, testpki.Template{CN: serverName, DNS: []string{serverName}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore: nb, NotAfter: na, CRLDistributionPoints: []string{uri}}, h.inter)
	client := testpki.Make(t, testpki.Template{CN: "postgres", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		NotBefore: nb, NotAfter: na, CRLDistributionPoints: []string{uri}}, h.inter)
	c.WriteFile(t, "server.crt", testpki.Bundle(server, h.inter), 0o644)
	c.WriteFile(t, "server.key", server.KeyPEM(t), 0o600)
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	r = pgcert(t, "check", "-D", c.DataDir, "--json")
	rep = parseCheck(t, r)
	if r.Code != 0 || !sameSet(rep.problems(), []string{"ssl_crl_file/crl-scope warning"}) {
		t.Fatalf("check with the distribution point: exit %d, problems %v", r.Code, rep.problems())
	}
	if f := rep.one(t, "ssl_crl_file", "crl-scope"); !strings.Contains(f.Message, "whose CRL distribution points name "+uri) {
		t.Errorf("finding %+v", f)
	}
	if stderr, err := connectWithChain(t, c, h, client); err != nil {
		t.Errorf("a client certificate naming the CRL's distribution point: %v\n%s", err, stderr)
	}
	if v := scopeVerify(t, c, h, client); !v.OK {
		t.Errorf("openssl verify of the client naming the point: %+v", v)
	}
	// The first client is still refused: the server judges each certificate.
	if _, err := connectWithChain(t, c, h, h.client); err == nil {
		t.Error("the client certificate without the distribution point logged in after the reload")
	}
}

// scopeVerify runs openssl verify on client as the server checks it: the
// data directory's root.crt and root.crl, every CA's CRL checked, the
// intermediate sent by the client.
func scopeVerify(t *testing.T, c *pgtest.Cluster, h *hierarchy, client *testpki.Cert) testenv.VerifyVerdict {
	t.Helper()
	dir := t.TempDir()
	inter, leaf := filepath.Join(dir, "inter.pem"), filepath.Join(dir, "client.pem")
	if err := os.WriteFile(inter, h.inter.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(leaf, client.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return testenv.OpenSSLVerify(t, "-crl_check_all", "-CRLfile", c.Path("root.crl"), "-CAfile", c.Path("root.crt"),
		"-untrusted", inter, "-purpose", "sslclient", leaf)
}

// connectWithChain connects as psql does with sslmode=verify-full, the root
// alone in root.crt, presenting client and the intermediate.
func connectWithChain(t *testing.T, c *pgtest.Cluster, h *hierarchy, client *testpki.Cert) (string, error) {
	t.Helper()
	root := c.ClientFile(t, "root.crt", h.root.PEM(), 0o644)
	_, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+root,
		"sslcert="+c.ClientFile(t, "postgresql.crt", testpki.Bundle(client, h.inter), 0o644),
		"sslkey="+c.ClientFile(t, "postgresql.key", client.KeyPEM(t), 0o600)), "select 1")
	return stderr, err
}
