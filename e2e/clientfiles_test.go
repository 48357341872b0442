package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgcert/pgcert/internal/pgtest"
)

// clientJSON is the part of `pgcert ca issue client --json` the tests read.
type clientJSON struct {
	ConnString string     `json:"connection_string"`
	Files      []fileJSON `json:"files"`
}

// issueClient runs ca issue client --json with args and returns its report.
func issueClient(t *testing.T, caDir string, args ...string) clientJSON {
	t.Helper()
	r := pgcert(t, append([]string{"ca", "issue", "client", "--ca-dir", caDir, "--host", serverName, "--json"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("pgcert ca issue client: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep clientJSON
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.Stdout)
	}
	return rep
}

// pasted is the printed connection string as a user pastes it, with only the
// address and port of the test server before it (the name in it is not in DNS).
func pasted(c *pgtest.Cluster, cs string) string {
	return "hostaddr=127.0.0.1 port=" + strconv.Itoa(c.Port()) + " " + cs
}

// TestClientBundleForServerUser: root issues a bundle into a directory the postgres
// OS user owns (its ~/.postgresql, not there yet): the directory made and every file
// are postgres's, and psql run as postgres logs in with the printed connection
// string as it is (its dbname=postgres makes it work for a role without a database
// of its name); --dbname names another database.
func TestClientBundleForServerUser(t *testing.T) {
	c, caDir, _ := initCluster(t)
	start(t, c)
	c.SQL(t, "CREATE DATABASE appdb")
	server := c.Install.ServerUser
	parent, err := os.MkdirTemp("", "pgcert-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(parent, "postgres")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, server.UID, server.GID); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(home, ".postgresql")
	rep := issueClient(t, caDir, "--user", "alice", "-o", dir)
	checkOwner(t, dir, server.UID)
	if len(rep.Files) != 3 {
		t.Fatalf("files: %+v", rep.Files)
	}
	for _, f := range rep.Files {
		if f.Owner != server.Name {
			t.Errorf("--json: %s owned by %s, want %s", f.Path, f.Owner, server.Name)
		}
		checkOwner(t, f.Path, server.UID)
	}
	if !strings.Contains(rep.ConnString, " dbname=postgres") {
		t.Errorf("connection string without dbname=postgres: %s", rep.ConnString)
	}
	out, stderr, err := c.Install.PsqlAs(context.Background(), server, pasted(c, rep.ConnString),
		"select current_user || ' ' || current_database() || ' ' || ssl from pg_stat_ssl where pid = pg_backend_pid()")
	if err != nil || strings.TrimSpace(out) != "alice postgres true" {
		t.Fatalf("psql as %s with the printed connection string: %q, %v\n%s", server.Name, out, err, stderr)
	}

	rep = issueClient(t, caDir, "--user", "bob", "-o", filepath.Join(home, "bob"), "--dbname", "appdb")
	out, stderr, err = c.Install.PsqlAs(context.Background(), server, pasted(c, rep.ConnString), "select current_user || ' ' || current_database()")
	if err != nil || strings.TrimSpace(out) != "bob appdb" {
		t.Fatalf("--dbname appdb: %q, %v\n%s", out, err, stderr)
	}
}

// TestPgxLegacyEncryptedKey: Go's pgx logs in with verify-full, sslcert, sslkey and
// sslpassword when the bundle's key is written --traditional; with the default
// encrypted PKCS#8 key it cannot load the key at all, which is why --traditional
// exists. psql (libpq) reads both.
func TestPgxLegacyEncryptedKey(t *testing.T) {
	c, caDir, _ := initCluster(t)
	start(t, c)
	const pass = "pgx passphrase"
	tmp := t.TempDir()
	legacy := issueClient(t, caDir, "--user", "alice", "-o", filepath.Join(tmp, "legacy"), "--passout", "pass:"+pass, "--traditional")
	pkcs8 := issueClient(t, caDir, "--user", "bob", "-o", filepath.Join(tmp, "pkcs8"), "--passout", "pass:"+pass)
	keyPEM, err := os.ReadFile(filepath.Join(tmp, "legacy", "postgresql.key"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(keyPEM), "Proc-Type: 4,ENCRYPTED") {
		t.Fatalf("--traditional wrote:\n%s", keyPEM)
	}

	connect := func(cs string) (string, error) {
		// pgx has no hostaddr (it would send it to the server as a setting): LookupFunc
		// below takes its place.
		cfg, err := pgx.ParseConfig("port=" + strconv.Itoa(c.Port()) + " " + cs + " sslpassword='" + pass + "'")
		if err != nil {
			return "", err
		}
		// serverName is not in DNS: the server is at 127.0.0.1, and verify-full still
		// checks the certificate against serverName.
		cfg.LookupFunc = func(context.Context, string) ([]string, error) { return []string{"127.0.0.1"}, nil }
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return "", err
		}
		defer conn.Close(ctx)
		var who string
		err = conn.QueryRow(ctx, "select current_user || ' ' || ssl from pg_stat_ssl where pid = pg_backend_pid()").Scan(&who)
		return who, err
	}
	if who, err := connect(legacy.ConnString); err != nil || who != "alice true" {
		t.Fatalf("pgx with the traditional encrypted key: %q, %v", who, err)
	}
	if _, err := connect(pkcs8.ConnString); err == nil || !strings.Contains(err.Error(), "failed to parse private key") {
		t.Fatalf("pgx with an encrypted PKCS#8 key: %v, want tls: failed to parse private key", err)
	}
	for _, tc := range []struct{ cs, role string }{{legacy.ConnString, "alice"}, {pkcs8.ConnString, "bob"}} {
		out, stderr, err := c.Psql(pasted(c, tc.cs)+" sslpassword='"+pass+"'", "select current_user")
		if err != nil || strings.TrimSpace(out) != tc.role {
			t.Errorf("psql as %s: %q, %v\n%s", tc.role, out, err, stderr)
		}
	}
}
