package e2e

import (
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/pkg/chain"
)

// initJSON is the part of `pgcert init --json` the tests read (README, "JSON:
// pgcert init").
type initJSON struct {
	DataDirectory string `json:"data_directory"`
	Version       string `json:"version"`
	CA            struct {
		Dir string `json:"ca_dir"`
	} `json:"ca"`
	Files   []fileJSON `json:"files"`
	Clients []struct {
		Role       string     `json:"role"`
		Dir        string     `json:"dir"`
		ConnString string     `json:"connection_string"`
		Files      []fileJSON `json:"files"`
	} `json:"clients"`
	PgHBAConf  []string `json:"pg_hba_conf"`
	Configured bool     `json:"configured"`
}

type fileJSON struct {
	Path  string `json:"path"`
	Mode  string `json:"mode"`
	Owner string `json:"owner"`
}

// initCluster makes a cluster and runs pgcert init on its
// data directory with --configure and args, as root would; it checks what --json
// reports against the files themselves.
func initCluster(t *testing.T, args ...string) (*pgtest.Cluster, string, initJSON) {
	t.Helper()
	c := pgtest.NewCluster(t, pgtest.Options{})
	caDir := filepath.Join(t.TempDir(), "ca")
	r := pgcert(t, append([]string{"init", "-D", c.DataDir, "--ca-dir", caDir, "--host", serverName, "--configure", "--json"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("pgcert init: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep initJSON
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("pgcert init --json: %v\n%s", err, r.Stdout)
	}
	server := c.Install.ServerUser
	for _, name := range []string{"server.key", "server.crt", "root.crt", "root.crl", "pgcert.conf", "postgresql.conf", "pg_hba.conf"} {
		f := findFile(t, rep.Files, c.Path(name))
		if f.Owner != server.Name {
			t.Errorf("--json: %s owned by %s, want %s", name, f.Owner, server.Name)
		}
		checkOwner(t, c.Path(name), server.UID)
	}
	if f := findFile(t, rep.Files, c.Path("server.key")); f.Mode != "0600" {
		t.Errorf("--json: server.key mode %s", f.Mode)
	}
	for _, name := range []string{"postgresql.conf", "pg_hba.conf"} {
		if _, err := os.Stat(c.Path(name + ".pgcert-bak")); err != nil {
			t.Errorf("no backup of %s: %v", name, err)
		}
	}
	return c, caDir, rep
}

// start starts the server and creates the roles alice and bob.
func start(t *testing.T, c *pgtest.Cluster) {
	t.Helper()
	c.MustStart(t)
	c.SQL(t, "CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN")
}

func findFile(t *testing.T, files []fileJSON, path string) fileJSON {
	t.Helper()
	for _, f := range files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("--json does not report %s", path)
	return fileJSON{}
}

func checkOwner(t *testing.T, path string, uid int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Sys().(*syscall.Stat_t).Uid; int(got) != uid {
		t.Errorf("%s is owned by uid %d, want %d", path, got, uid)
	}
}

// bundleConn is a connection with a client bundle to the cluster as role, verifying
// the server's name.
func bundleConn(c *pgtest.Cluster, dir, role string) string {
	return c.ConnInfo("host="+serverName, "sslmode=verify-full",
		"sslcert="+filepath.Join(dir, "postgresql.crt"), "sslkey="+filepath.Join(dir, "postgresql.key"),
		"sslrootcert="+filepath.Join(dir, "root.crt"), "user="+role)
}

func login(t *testing.T, c *pgtest.Cluster, dir, role string) (string, string, error) {
	t.Helper()
	out, stderr, err := c.Psql(bundleConn(c, dir, role), "select current_user || ' ' || ssl from pg_stat_ssl where pid = pg_backend_pid()")
	return strings.TrimSpace(out), stderr, err
}

// TestInitCertLogin: after pgcert init --configure the server starts, pgcert check
// finds nothing wrong, psql with verify-full and the client bundle logs in as the
// role through the cert method, and as another role it is refused.
func TestInitCertLogin(t *testing.T) {
	c, _, rep := initCluster(t, "--client", "alice")
	if len(rep.Clients) != 1 || !rep.Configured || rep.Version != "15" {
		t.Fatalf("report: %+v", rep)
	}
	if r := pgcert(t, "check", "-D", c.DataDir, "--json"); r.Code != 0 {
		t.Errorf("pgcert check after init: exit %d, problems %v", r.Code, parseCheck(t, r).problems())
	}
	start(t, c)
	alice := rep.Clients[0].Dir
	out, stderr, err := login(t, c, alice, "alice")
	if err != nil || out != "alice true" {
		t.Fatalf("alice with her bundle: %q, %v\n%s", out, err, stderr)
	}
	_, stderr, err = login(t, c, alice, "bob")
	if err == nil || !strings.Contains(stderr, `certificate authentication failed for user "bob"`) {
		t.Fatalf("alice's certificate as bob: %v\n%s", err, stderr)
	}
	// The printed connection string is the one that works (with the address added).
	if cs := rep.Clients[0].ConnString; !strings.Contains(cs, "sslmode=verify-full") || !strings.Contains(cs, "user=alice") {
		t.Errorf("connection string %q", cs)
	}
	if out, stderr, err := c.Psql(c.ConnInfo()+" "+rep.Clients[0].ConnString, "select current_user"); err != nil || strings.TrimSpace(out) != "alice" {
		t.Errorf("the printed connection string: %q, %v\n%s", out, err, stderr)
	}
	// A rerun without --force changes nothing and says so.
	before, _ := os.ReadFile(c.Path("server.crt"))
	if r := pgcert(t, "init", "-D", c.DataDir, "--ca-dir", rep.CA.Dir, "--configure"); r.Code != 1 || !strings.Contains(r.Stderr, "--force") {
		t.Errorf("rerun without --force: exit %d\n%s", r.Code, r.Stderr)
	}
	if after, _ := os.ReadFile(c.Path("server.crt")); string(after) != string(before) {
		t.Error("a refused rerun changed server.crt")
	}
}

// TestInitRevokedClient: a client revoked with pgcert ca revoke, followed by a CRL
// refresh (pgcert init --force) and a reload, is refused; the others still log in.
func TestInitRevokedClient(t *testing.T) {
	c, caDir, rep := initCluster(t, "--client", "alice", "--client", "bob")
	start(t, c)
	dirs := map[string]string{}
	for _, cl := range rep.Clients {
		dirs[cl.Role] = cl.Dir
	}
	for _, role := range []string{"alice", "bob"} {
		if out, stderr, err := login(t, c, dirs[role], role); err != nil || out != role+" true" {
			t.Fatalf("%s before the revocation: %q, %v\n%s", role, out, err, stderr)
		}
	}
	if r := pgcert(t, "ca", "revoke", "--ca-dir", caDir, "--cert", filepath.Join(dirs["bob"], "postgresql.crt"), "--reason", "keyCompromise"); r.Code != 0 {
		t.Fatalf("ca revoke: exit %d\n%s", r.Code, r.Stderr)
	}
	// Revoked in the index, not yet in the server's CRL: bob still logs in.
	if _, stderr, err := login(t, c, dirs["bob"], "bob"); err != nil {
		t.Fatalf("bob before the CRL refresh: %v\n%s", err, stderr)
	}
	if r := pgcert(t, "init", "-D", c.DataDir, "--ca-dir", caDir, "--host", serverName, "--force"); r.Code != 0 {
		t.Fatalf("init --force: exit %d\n%s", r.Code, r.Stderr)
	}
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := login(t, c, dirs["bob"], "bob"); err == nil || !strings.Contains(stderr, "certificate revoked") {
		t.Fatalf("revoked bob: %v\n%s", err, stderr)
	}
	if out, stderr, err := login(t, c, dirs["alice"], "alice"); err != nil || out != "alice true" {
		t.Fatalf("alice after bob's revocation: %q, %v\n%s", out, err, stderr)
	}
	var list struct {
		Certificates []struct {
			Status, Subject string
			Reason          *string
		} `json:"certificates"`
	}
	r := pgcert(t, "ca", "list", "--ca-dir", caDir, "--json")
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		t.Fatal(err)
	}
	revoked := 0
	for _, cert := range list.Certificates {
		if cert.Status == "revoked" {
			revoked++
			if cert.Subject != "/CN=bob" || cert.Reason == nil || *cert.Reason != "keyCompromise" {
				t.Errorf("revoked entry %+v", cert)
			}
		}
	}
	if revoked != 1 || len(list.Certificates) != 4 {
		t.Errorf("ca list: %d certificates, %d revoked; want 4 (two servers, two clients), 1", len(list.Certificates), revoked)
	}
}

// TestInitIntermediate: with --intermediate, server.crt holds the leaf, then the
// intermediate, then the root; the client's root.crt holds only the root; verify-full
// and the cert method succeed.
func TestInitIntermediate(t *testing.T) {
	c, caDir, rep := initCluster(t, "--intermediate", "--client", "alice")
	data, err := os.ReadFile(c.Path("server.crt"))
	if err != nil {
		t.Fatal(err)
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 3 || certs[0].IsCA || !certs[1].IsCA || !certs[2].IsCA {
		t.Fatalf("server.crt holds %d certificates", len(certs))
	}
	if certs[0].CheckSignatureFrom(certs[1]) != nil || certs[1].CheckSignatureFrom(certs[2]) != nil || certs[2].CheckSignatureFrom(certs[2]) != nil {
		t.Fatal("server.crt is not leaf, intermediate, root")
	}
	if !certs[2].Equal(readOne(t, filepath.Join(caDir, "root", "ca.crt"))) || !certs[1].Equal(readOne(t, filepath.Join(caDir, "ca.crt"))) {
		t.Fatal("server.crt's CAs are not the CA directory's")
	}
	dir := rep.Clients[0].Dir
	roots, err := chain.ParseCertificates(testfs.Read(t, filepath.Join(dir, "root.crt")))
	if err != nil || len(roots) != 1 || !roots[0].Equal(certs[2]) {
		t.Fatalf("client root.crt holds %d certificates, want the root alone", len(roots))
	}
	clientChain, _ := chain.ParseCertificates(testfs.Read(t, filepath.Join(dir, "postgresql.crt")))
	if len(clientChain) != 2 || !clientChain[1].Equal(certs[1]) {
		t.Fatalf("postgresql.crt holds %d certificates, want leaf and intermediate", len(clientChain))
	}
	crls, _ := os.ReadFile(c.Path("root.crl"))
	if n := strings.Count(string(crls), "-----BEGIN X509 CRL-----"); n != 2 {
		t.Fatalf("root.crl holds %d CRLs, want one per CA", n)
	}
	start(t, c)
	if out, stderr, err := login(t, c, dir, "alice"); err != nil || out != "alice true" {
		t.Fatalf("alice through the intermediate: %q, %v\n%s", out, err, stderr)
	}
}

// TestInitClientKeyMode: pgcert writes every key 0600, even under umask 000, and libpq
// refuses a client key that others may read; pgcert perms check says so first.
func TestInitClientKeyMode(t *testing.T) {
	old := syscall.Umask(0)
	c, caDir, rep := initCluster(t, "--intermediate", "--client", "alice", "--pk8")
	syscall.Umask(old)
	dir := rep.Clients[0].Dir
	for _, key := range []string{
		c.Path("server.key"), filepath.Join(dir, "postgresql.key"), filepath.Join(dir, "postgresql.pk8"),
		filepath.Join(caDir, "private", "ca.key"), filepath.Join(caDir, "root", "private", "ca.key"),
	} {
		fi, err := os.Stat(key)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o under umask 000, want 0600", key, fi.Mode().Perm())
		}
	}
	for _, f := range rep.Clients[0].Files {
		if strings.HasSuffix(f.Path, ".key") && f.Mode != "0600" {
			t.Errorf("--json reports %s with mode %s", f.Path, f.Mode)
		}
	}
	start(t, c)
	if _, stderr, err := login(t, c, dir, "alice"); err != nil {
		t.Fatalf("alice with a 0600 key: %v\n%s", err, stderr)
	}
	key := filepath.Join(dir, "postgresql.key")
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := pgcert(t, "perms", "check", "--client", key); r.Code != 1 {
		t.Errorf("pgcert perms check --client on a 0644 key: exit %d, want 1\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	_, stderr, err := login(t, c, dir, "alice")
	if err == nil || !strings.Contains(stderr, "has group or world access") {
		t.Fatalf("alice with a 0644 key: %v\n%s", err, stderr)
	}
}

func readOne(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	certs, err := chain.ParseCertificates(testfs.Read(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}
