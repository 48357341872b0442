package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
)

// revocationPKI is a pgcert CA with an intermediate, a server certificate in a
// cluster's data directory, and the client bundles of alice and bob, bob revoked.
type revocationPKI struct {
	c             *pgtest.Cluster
	caDir         string
	rootCA, inter string // the CA certificates
	rootCRL       string // the root's CRL, as crl gen keeps it
	interCRL      string // the intermediate's CRL
	alice, bob    string // the client bundle directories
}

// newRevocationPKI makes the CA, the server's files and the clients with pgcert ca,
// revokes bob and makes both CAs' CRLs with pgcert crl gen. The cluster trusts the
// root (ssl_ca_file) and logs clients in by certificate; it is not started.
func newRevocationPKI(t *testing.T) *revocationPKI {
	t.Helper()
	c := pgtest.NewCluster(t, pgtest.Options{})
	p := &revocationPKI{c: c, caDir: filepath.Join(t.TempDir(), "ca")}
	p.rootCA = filepath.Join(p.caDir, "root", "ca.crt")
	p.inter = filepath.Join(p.caDir, "ca.crt")
	p.rootCRL = filepath.Join(p.caDir, "root", "crl.pem")
	p.interCRL = filepath.Join(p.caDir, "crl.pem")
	p.alice = filepath.Join(p.caDir, "clients", "alice")
	p.bob = filepath.Join(p.caDir, "clients", "bob")
	for _, args := range [][]string{
		{"ca", "init", "--ca-dir", p.caDir, "--intermediate"},
		{"ca", "issue", "server", "--ca-dir", p.caDir, "--host", serverName, "-o", c.Path("server")},
		{"ca", "issue", "client", "--ca-dir", p.caDir, "--user", "alice"},
		{"ca", "issue", "client", "--ca-dir", p.caDir, "--user", "bob"},
		{"ca", "revoke", "--ca-dir", p.caDir, "--cert", filepath.Join(p.bob, "postgresql.crt"), "--reason", "keyCompromise"},
		{"crl", "gen", "--ca-dir", p.caDir},
	} {
		if r := pgcert(t, args...); r.Code != 0 {
			t.Fatalf("pgcert %v: exit %d\n%s", args, r.Code, r.Stderr)
		}
	}
	rootPEM, err := os.ReadFile(p.rootCA)
	if err != nil {
		t.Fatal(err)
	}
	c.WriteFile(t, "root.crt", rootPEM, 0o644)
	c.AppendConf(t, "ssl = on", "ssl_ca_file = 'root.crt'")
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 cert")
	return p
}

// start starts the server and creates the client roles.
func (p *revocationPKI) start(t *testing.T) {
	t.Helper()
	start(t, p.c)
}

// wantLogin asserts that role logs in with its bundle over verify-full.
func (p *revocationPKI) wantLogin(t *testing.T, dir, role string) {
	t.Helper()
	out, stderr, err := login(t, p.c, dir, role)
	if err != nil || out != role+" true" {
		t.Errorf("%s: want a login, got %q, %v\n%s", role, out, err, stderr)
	}
}

// wantRefused asserts that role's connection is refused with psql saying want, and
// that the server logged why.
func (p *revocationPKI) wantRefused(t *testing.T, dir, role, want string) {
	t.Helper()
	mark := p.c.LogMark()
	out, stderr, err := login(t, p.c, dir, role)
	if err == nil || !strings.Contains(stderr, want) {
		t.Errorf("%s: want a refusal with %q, got %q, %v\n%s", role, want, out, err, stderr)
	}
	if err := p.c.WaitForLogSince(mark, "could not accept SSL connection: certificate verify failed", 10*time.Second); err != nil {
		t.Errorf("%s: the server did not log the refusal: %v", role, err)
	}
}

// TestCRLFileMerged: with the root.crl pgcert crl merge writes from both CAs' CRLs,
// the revoked client is refused and the other logs in. With the root's CRL left out,
// pgcert crl merge --ca refuses to write and says that every client would be refused;
// a file holding the intermediate's CRL alone makes the server refuse every client,
// as predicted.
func TestCRLFileMerged(t *testing.T) {
	p := newRevocationPKI(t)
	c := p.c
	r := pgcert(t, "crl", "merge", "--ca", p.rootCA, "--ca", p.inter, "-o", c.Path("root.crl"), p.interCRL, p.rootCRL)
	if r.Code != 0 || !strings.Contains(r.Stdout, "with 2 CRLs") {
		t.Fatalf("crl merge: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	checkOwner(t, c.Path("root.crl"), c.Install.ServerUser.UID)
	c.AppendConf(t, "ssl_crl_file = 'root.crl'")
	p.start(t)
	p.wantLogin(t, p.alice, "alice")
	p.wantRefused(t, p.bob, "bob", "sslv3 alert certificate revoked")

	// pgcert says beforehand what leaving the root's CRL out does, and writes nothing.
	partial := filepath.Join(t.TempDir(), "partial.crl")
	r = pgcert(t, "crl", "merge", "--ca", p.rootCA, "--ca", p.inter, "-o", partial, p.interCRL)
	if r.Code != 1 || !strings.Contains(r.Stderr, "no CRL for the CA CN = ") ||
		!strings.Contains(r.Stderr, "PostgreSQL would then reject every client certificate: tlsv1 alert unknown ca") {
		t.Errorf("crl merge without the root's CRL: exit %d\n%s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(partial); err == nil {
		t.Error("crl merge wrote a file without the root's CRL")
	}
	// The server then refuses every client: what the admin who copies the
	// intermediate's CRL alone gets.
	interOnly, err := os.ReadFile(p.interCRL)
	if err != nil {
		t.Fatal(err)
	}
	c.WriteFile(t, "root.crl", interOnly, 0o644)
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	p.wantRefused(t, p.alice, "alice", "tlsv1 alert unknown ca")
	p.wantRefused(t, p.bob, "bob", "SSL error")
}

// TestCRLDir: the same with ssl_crl_dir written by pgcert crl dir: the revoked
// client is refused, the other logs in; rewritten without the root's CRL (the stale
// file removed), every client is refused.
func TestCRLDir(t *testing.T) {
	p := newRevocationPKI(t)
	c := p.c
	dir := c.Path("crl.d")
	r := pgcert(t, "crl", "dir", "--out", dir, "--ca", p.rootCA, "--ca", p.inter, p.interCRL, p.rootCRL)
	if r.Code != 0 || !strings.Contains(r.Stdout, "2 CRLs") {
		t.Fatalf("crl dir: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	checkOwner(t, dir, c.Install.ServerUser.UID)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Fatalf("crl.d holds %d files (%v)", len(entries), err)
	}
	for _, e := range entries {
		checkOwner(t, filepath.Join(dir, e.Name()), c.Install.ServerUser.UID)
	}
	c.AppendConf(t, "ssl_crl_dir = 'crl.d'")
	p.start(t)
	p.wantLogin(t, p.alice, "alice")
	p.wantRefused(t, p.bob, "bob", "sslv3 alert certificate revoked")

	r = pgcert(t, "crl", "dir", "--out", dir, "--force", p.interCRL)
	if r.Code != 0 || !strings.Contains(r.Stdout, "removed the stale "+dir+"/") {
		t.Fatalf("crl dir without the root's CRL: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	p.wantRefused(t, p.alice, "alice", "tlsv1 alert unknown ca")
	p.wantRefused(t, p.bob, "bob", "SSL error")
}

// TestClientCRLRevokesServer: a server certificate revoked in the CRLs psql is given
// (sslcrl, or sslcrldir written by pgcert crl dir) makes psql refuse the server;
// pgcert verify predicts it; the CRLs from before the revocation let it connect.
func TestClientCRLRevokesServer(t *testing.T) {
	p := newRevocationPKI(t)
	c := p.c
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 trust")
	p.start(t)
	tmp := t.TempDir()
	before, beforeDir := filepath.Join(tmp, "before.crl"), filepath.Join(tmp, "before.d")
	if r := pgcert(t, "crl", "merge", "--ca", p.rootCA, "--ca", p.inter, "-o", before, p.interCRL, p.rootCRL); r.Code != 0 {
		t.Fatalf("crl merge: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := pgcert(t, "crl", "dir", "--out", beforeDir, "--ca", p.rootCA, "--ca", p.inter, p.interCRL, p.rootCRL); r.Code != 0 {
		t.Fatalf("crl dir: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := pgcert(t, "ca", "revoke", "--ca-dir", p.caDir, "--cert", c.Path("server.crt"), "--reason", "keyCompromise"); r.Code != 0 {
		t.Fatalf("revoking the server certificate: exit %d\n%s", r.Code, r.Stderr)
	}
	after, afterDir := filepath.Join(tmp, "after.crl"), filepath.Join(tmp, "after.d")
	if r := pgcert(t, "crl", "gen", "--ca-dir", p.caDir, "-o", after); r.Code != 0 {
		t.Fatalf("crl gen: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := pgcert(t, "crl", "dir", "--out", afterDir, "--ca", p.rootCA, "--ca", p.inter, p.interCRL, p.rootCRL); r.Code != 0 {
		t.Fatalf("crl dir: exit %d\n%s", r.Code, r.Stderr)
	}
	r := pgcert(t, "verify", c.Path("server.crt"), "--root", p.rootCA, "--crl", after, "--host", serverName)
	if r.Code != 1 || !strings.Contains(r.Stdout, "certificate revoked") {
		t.Errorf("pgcert verify with the CRL revoking the server: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	conn := func(crl ...string) string {
		return c.ConnInfo(append([]string{"host=" + serverName, "sslmode=verify-full", "sslrootcert=" + p.rootCA, "user=alice"}, crl...)...)
	}
	// pgtest sets PGSSLCRL to a file that does not exist, and libpq loads no CRL at
	// all when one of sslcrl and sslcrldir fails to load: sslcrldir goes with an
	// empty sslcrl.
	for _, tc := range []struct {
		params  []string
		revoked bool
	}{
		{[]string{"sslcrl=" + before}, false},
		{[]string{"sslcrl=", "sslcrldir=" + beforeDir}, false},
		{[]string{"sslcrl=" + after}, true},
		{[]string{"sslcrl=", "sslcrldir=" + afterDir}, true},
	} {
		mark := c.LogMark()
		out, stderr, err := c.Psql(conn(tc.params...), "select 1")
		switch {
		case !tc.revoked && (err != nil || strings.TrimSpace(out) != "1"):
			t.Errorf("%v, from before the revocation: want a connection, got %q, %v\n%s", tc.params, out, err, stderr)
		case tc.revoked && (err == nil || !strings.Contains(stderr, "SSL error: certificate verify failed")):
			t.Errorf("%v revokes the server certificate: want psql to refuse the server, got %v\n%s", tc.params, err, stderr)
		case tc.revoked:
			if err := c.WaitForLogSince(mark, "could not accept SSL connection: sslv3 alert certificate revoked", 10*time.Second); err != nil {
				t.Errorf("%v: the server did not log the client's alert: %v", tc.params, err)
			}
		}
	}
}
