package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
)

// copyBundle copies the client bundle in dir into a new directory the server
// user owns, as an admin puts it on the standby for the postgres user, and
// returns the new directory.
func copyBundle(t *testing.T, c *pgtest.Cluster, dir string) string {
	t.Helper()
	su := c.Install.ServerUser
	to := filepath.Join(c.Base, "bundle")
	if err := os.Mkdir(to, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(to, su.UID, su.GID); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"postgresql.crt", "postgresql.key", "root.crt"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(to, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, su.UID, su.GID); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// TestInitReplication: with init --replication, pg_basebackup as the postgres
// OS user takes a base backup over verify-full with the replication bundle, a
// standby started from it with the printed primary_conninfo streams, and the
// primary's pg_stat_ssl shows the replication connection's certificate.
func TestInitReplication(t *testing.T) {
	c := pgtest.NewCluster(t, pgtest.Options{})
	caDir := filepath.Join(t.TempDir(), "ca")
	r := pgcert(t, "init", "-D", c.DataDir, "--ca-dir", caDir, "--host", serverName, "--configure", "--replication", "replicator", "--json")
	if r.Code != 0 {
		t.Fatalf("pgcert init --replication: exit %d\n%s", r.Code, r.Stderr)
	}
	var out struct {
		PgHBAConf []string `json:"pg_hba_conf"`
		Clients   []struct {
			Replication     bool   `json:"replication"`
			PrimaryConninfo string `json:"primary_conninfo"`
		} `json:"clients"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil || len(out.Clients) != 1 || !out.Clients[0].Replication {
		t.Fatalf("--json: %v\n%s", err, r.Stdout)
	}
	var replLine bool
	for _, l := range out.PgHBAConf {
		if f := strings.Fields(l); len(f) == 5 && f[0] == "hostssl" && f[1] == "replication" && f[2] == "replicator" && f[4] == "cert" {
			replLine = true
		}
	}
	if !replLine {
		t.Fatalf("no hostssl replication line: %q", out.PgHBAConf)
	}
	hba, err := os.ReadFile(c.Path("pg_hba.conf"))
	if err != nil || !strings.Contains(strings.Join(strings.Fields(string(hba)), " "), "hostssl replication replicator") {
		t.Fatalf("pg_hba.conf lacks the replication line (%v):\n%s", err, hba)
	}
	conninfo := out.Clients[0].PrimaryConninfo
	for _, want := range []string{"host=" + serverName, "user=replicator", "sslmode=verify-full", "sslcert=", "sslkey=", "sslrootcert="} {
		if !strings.Contains(conninfo, want) {
			t.Errorf("primary_conninfo %q lacks %s", conninfo, want)
		}
	}
	bundleDir := filepath.Dir(strings.TrimPrefix(strings.Fields(conninfo[strings.Index(conninfo, "sslcert="):])[0], "sslcert="))
	c.MustStart(t)
	c.SQL(t, "CREATE ROLE replicator LOGIN REPLICATION")

	// The bundle as the standby's postgres user holds it; the printed
	// connection string with those paths and the test server's address.
	bundle := copyBundle(t, c, bundleDir)
	standbyInfo := "hostaddr=127.0.0.1 port=" + strconv.Itoa(c.Port()) + " " + strings.ReplaceAll(conninfo, bundleDir, bundle)
	sb, err := pgtest.BaseBackup(t, standbyInfo)
	if err != nil {
		t.Fatalf("pg_basebackup with the replication bundle: %v", err)
	}
	sb.WriteFile(t, "standby.signal", nil, 0o600)
	sb.AppendConf(t, "primary_conninfo = '"+strings.ReplaceAll(standbyInfo, "'", "''")+"'")
	sb.MustStart(t)

	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		got = c.SQL(t, "select w.state || ' ' || s.ssl || ' ' || coalesce(s.client_dn, '') from pg_stat_replication w join pg_stat_ssl s using (pid) where w.usename = 'replicator'")
		if strings.HasPrefix(got, "streaming ") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got != "streaming true /CN=replicator" {
		t.Fatalf("replication connection on the primary: %q\nstandby log:\n%s", got, sb.Log())
	}
	if v := sb.SQL(t, "select pg_is_in_recovery()"); v != "t" {
		t.Errorf("standby in recovery: %q", v)
	}
}
