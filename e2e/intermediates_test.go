package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
)

// mustPgcert runs pgcert and fails the test unless it exits 0.
func mustPgcert(t *testing.T, args ...string) result {
	t.Helper()
	r := pgcert(t, args...)
	if r.Code != 0 {
		t.Fatalf("pgcert %s: exit %d\n%s", strings.Join(args, " "), r.Code, r.Stderr)
	}
	return r
}

// TestTwoIntermediates: one root with a server CA (ca init --intermediate-cn)
// and a client CA beside it (ca issue intermediate), as PostgreSQL's own test
// set has. A server certificate from the one and a client certificate from
// the other log in over verify-full with the cert method, against a server
// whose ssl_ca_file is the root alone and whose root.crl holds a CRL of each
// of the three CAs; once the client CA revokes the client, it is refused.
func TestTwoIntermediates(t *testing.T) {
	dir := t.TempDir()
	serverCA, clientCA := filepath.Join(dir, "server-ca"), filepath.Join(dir, "client-ca")
	mustPgcert(t, "ca", "init", "--ca-dir", serverCA, "--cn", "Test root", "--intermediate-cn", "Test server CA")
	mustPgcert(t, "ca", "issue", "intermediate", "--ca-dir", serverCA, "-o", clientCA, "--cn", "Test client CA")

	// Every ca command works on the new directory: list, issue, revoke, crl gen.
	mustPgcert(t, "ca", "list", "--ca-dir", clientCA)
	c := pgtest.NewCluster(t, pgtest.Options{})
	serverPrefix := filepath.Join(dir, "server")
	mustPgcert(t, "ca", "issue", "server", "--ca-dir", serverCA, "--host", serverName, "-o", serverPrefix)
	alice := filepath.Join(dir, "alice")
	mustPgcert(t, "ca", "issue", "client", "--ca-dir", clientCA, "--user", "alice", "-o", alice)

	crls := func() []byte {
		t.Helper()
		mustPgcert(t, "crl", "gen", "--ca-dir", serverCA, "-o", filepath.Join(dir, "s.crl"), "--force")
		mustPgcert(t, "crl", "gen", "--ca-dir", clientCA, "-o", filepath.Join(dir, "c.crl"), "--force")
		mustPgcert(t, "crl", "merge", "--ca", filepath.Join(serverCA, "root", "ca.crt"), "--ca", filepath.Join(serverCA, "ca.crt"),
			"--ca", filepath.Join(clientCA, "ca.crt"), "-o", filepath.Join(dir, "root.crl"), "--force",
			filepath.Join(dir, "s.crl"), filepath.Join(dir, "c.crl"))
		data, err := os.ReadFile(filepath.Join(dir, "root.crl"))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "BEGIN X509 CRL"); n != 3 {
			t.Fatalf("root.crl holds %d CRLs, want one per CA (3)", n)
		}
		return data
	}
	read := func(p string) []byte {
		t.Helper()
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	c.EnableSSL(t, read(serverPrefix+".crt"), read(serverPrefix+".key"))
	c.WriteFile(t, "root.crt", read(filepath.Join(clientCA, "root", "ca.crt")), 0o644)
	c.WriteFile(t, "root.crl", crls(), 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'")
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 cert")
	c.MustStart(t)
	c.SQL(t, "CREATE ROLE alice LOGIN")

	out, stderr, err := login(t, c, alice, "alice")
	if err != nil || out != "alice true" {
		t.Fatalf("alice, from the client CA, against the server CA's server: %q, %v\n%s", out, err, stderr)
	}

	mustPgcert(t, "ca", "revoke", "--ca-dir", clientCA, "--cert", filepath.Join(alice, "postgresql.crt"))
	c.WriteFile(t, "root.crl", crls(), 0o644)
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := login(t, c, alice, "alice"); err == nil || !strings.Contains(stderr, "revoked") {
		t.Fatalf("alice revoked by the client CA: %v\n%s", err, stderr)
	}
}
