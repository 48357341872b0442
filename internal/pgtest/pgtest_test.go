package pgtest_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
)

// The host name the test server certificates carry; hostaddr=127.0.0.1 makes DNS
// unnecessary.
const serverName = "db.pgcert.test"

func TestPlainConnection(t *testing.T) {
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.MustStart(t)
	if !c.Running() {
		t.Fatal("Running() = false after Start")
	}

	out, stderr, err := c.Psql(c.ConnInfo("sslmode=disable"), "select 1")
	if err != nil || out != "1\n" {
		t.Fatalf("psql select 1 over TCP = %q, %v; stderr %q", out, err, stderr)
	}
	if got := c.SQL(t, "show listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", got)
	}
	if got := c.SQL(t, "show port"); got != strconv.Itoa(c.Port()) {
		t.Errorf("port = %q, want %d", got, c.Port())
	}
	if got := c.SQL(t, "show unix_socket_directories"); got != c.SocketDir {
		t.Errorf("unix_socket_directories = %q, want %q", got, c.SocketDir)
	}
	if got := c.SQL(t, "select current_user"); got != pgtest.Superuser {
		t.Errorf("current_user = %q, want %q", got, pgtest.Superuser)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if c.Running() {
		t.Error("Running() = true after Stop")
	}
	if _, stderr, err := c.Psql(c.ConnInfo("sslmode=disable"), "select 1"); err == nil || !strings.Contains(stderr, "Connection refused") {
		t.Errorf("psql after Stop: err %v, stderr %q; want a refused connection", err, stderr)
	}
}

func TestServerRunsAsServerUser(t *testing.T) {
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.MustStart(t)
	in := c.Install
	fi, err := os.Stat(c.Path("postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	if uid := fileUID(t, fi); uid != in.ServerUser.UID {
		t.Errorf("postmaster.pid owned by uid %d, want the server user's %d", uid, in.ServerUser.UID)
	}
	if in.AsRoot() && in.ServerUser.Name != "postgres" {
		t.Errorf("as root, ServerUser = %q, want postgres", in.ServerUser.Name)
	}

	// PsqlAs runs psql, and so the shell of its \! command, as the user given.
	out, stderr, err := in.PsqlAs(context.Background(), in.ServerUser, c.ConnInfo("sslmode=disable"), `\! id -u`)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if strings.TrimSpace(out) != strconv.Itoa(in.ServerUser.UID) {
		t.Errorf("psql as %s ran as uid %q, want %d", in.ServerUser.Name, out, in.ServerUser.UID)
	}
}

func sslCluster(t *testing.T) (*pgtest.Cluster, *testpki.Cert, string) {
	root := testpki.Root(t, "pgtest root")
	inter := root.Intermediate(t, "pgtest intermediate")
	leaf := inter.Server(t, serverName)
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, testpki.Bundle(leaf, inter), leaf.KeyPEM(t))
	rootFile := c.ClientFile(t, "root.crt", root.PEM(), 0o644)
	return c, root, rootFile
}

func TestSSLVerifyFull(t *testing.T) {
	c, _, rootFile := sslCluster(t)
	c.MustStart(t)

	conn := c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+rootFile)
	out, stderr, err := c.Psql(conn, "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")
	if err != nil {
		t.Fatalf("verify-full connection failed: %v", err)
	}
	if !strings.HasPrefix(out, "t|TLSv1.") {
		t.Errorf("pg_stat_ssl = %q (stderr %q), want an SSL connection", out, stderr)
	}

	wrong := c.ConnInfo("host=other.pgcert.test", "sslmode=verify-full", "sslrootcert="+rootFile)
	_, stderr, err = c.Psql(wrong, "select 1")
	want := `server certificate for "` + serverName + `" does not match host name "other.pgcert.test"`
	if err == nil || !strings.Contains(stderr, want) {
		t.Errorf("wrong host name: err %v, stderr %q; want %q", err, stderr, want)
	}

	// The defaults the harness sets keep ~/.postgresql out: verify-full with no root
	// named must fail on the file "invalid", not find one in a home directory.
	_, stderr, err = c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full"), "select 1")
	if err == nil || !strings.Contains(stderr, `root certificate file "invalid" does not exist`) {
		t.Errorf("no sslrootcert: err %v, stderr %q", err, stderr)
	}
}

func TestClientCertificate(t *testing.T) {
	c, root, rootFile := sslCluster(t)
	c.WriteFile(t, "root.crt", root.PEM(), 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'")
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 cert")
	c.MustStart(t)

	client := root.Client(t, pgtest.Superuser)
	cert := c.ClientFile(t, "client.crt", client.PEM(), 0o644)
	key := c.ClientFile(t, "client.key", client.KeyPEM(t), 0o600)
	conn := c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+rootFile)

	out, stderr, err := c.Psql(conn+" sslcert="+cert+" sslkey="+key, "select client_dn from pg_stat_ssl where pid = pg_backend_pid()")
	if err != nil || out != "/CN="+pgtest.Superuser+"\n" {
		t.Fatalf("cert login = %q, %v; stderr %q", out, err, stderr)
	}
	_, stderr, err = c.Psql(conn, "select 1")
	if err == nil || !strings.Contains(stderr, "connection requires a valid client certificate") {
		t.Errorf("without a client certificate: err %v, stderr %q", err, stderr)
	}
	// The superuser still gets in over the socket, which SetHBA keeps open.
	if got := c.SQL(t, "select 2"); got != "2" {
		t.Errorf("SQL over the socket = %q", got)
	}
}

func TestKeyWithWorldAccessStopsStart(t *testing.T) {
	c, _, _ := sslCluster(t)
	if err := os.Chmod(c.Path("server.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := c.Start()
	var se *pgtest.StartError
	if !errors.As(err, &se) {
		t.Fatalf("Start with a 0644 key = %v, want a *StartError", err)
	}
	want := `private key file "server.key" has group or world access`
	if !strings.Contains(se.Log, want) || !strings.Contains(err.Error(), want) {
		t.Errorf("start error does not quote %q:\n%v", want, err)
	}
	if c.Running() {
		t.Error("Running() = true after a failed Start")
	}
}

func TestReloadKeepsOldSSLOnBadKey(t *testing.T) {
	c, _, rootFile := sslCluster(t)
	c.MustStart(t)
	mark := c.LogMark()
	if err := os.Chmod(c.Path("server.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	// Reload returns after the server has handled the signal, so what it logged is
	// already there: no waiting.
	log := c.LogSince(mark)
	for _, want := range []string{`private key file "server.key" has group or world access`, "SSL configuration was not reloaded"} {
		if !strings.Contains(log, want) {
			t.Errorf("log after reload lacks %q:\n%s", want, log)
		}
	}
	conn := c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+rootFile)
	if _, stderr, err := c.Psql(conn, "select 1"); err != nil {
		t.Errorf("the old SSL setup should still serve: %v %s", err, stderr)
	}
	if err := c.WaitForLogSince(mark, "no such line in any server log", 50*time.Millisecond); err == nil {
		t.Error("WaitForLogSince found a line the server never logged")
	}
	if err := c.WaitForLog("database system is ready to accept connections", time.Minute); err != nil {
		t.Error(err)
	}
}

func TestConnInfoQuoting(t *testing.T) {
	c := &pgtest.Cluster{SocketDir: "/tmp/s"}
	got := c.SocketConnInfo(`sslkey=/a b/k'ey\`, "application_name=")
	want := `host=/tmp/s port=0 dbname=postgres user=postgres sslkey='/a b/k\'ey\\' application_name=''`
	if got != want {
		t.Errorf("SocketConnInfo =\n %s\nwant\n %s", got, want)
	}
}

func fileUID(t *testing.T, fi os.FileInfo) int {
	t.Helper()
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no owner information on this system")
	}
	return int(st.Uid)
}
