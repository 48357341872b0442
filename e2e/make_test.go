package e2e

import (
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/lintcert"
	"github.com/pgcert/pgcert/internal/pgtest"
)

// pgSSLFiles is how many files examples/postgres-ssl.yaml makes: the 58 files of
// PostgreSQL 15's src/test/ssl/ssl directory and its 4 hashed CRL directories.
const pgSSLFiles = 62

// sslSuite is a server with PostgreSQL's SSL test files in DataDir/ssl, and the same
// files for psql in dir, as src/test/ssl/t/SSL/Server.pm sets them up.
type sslSuite struct {
	c   *pgtest.Cluster
	dir string // the client's copy of the ssl directory
}

// switchServerCert does what the suite's switch_server_cert does: it rewrites the
// included sslconfig.conf with the server certificate, key, CA and CRL settings and
// reloads.
func (s *sslSuite) switchServerCert(t *testing.T, cert, key, ca, crlFile, crlDir, passphraseCmd string) {
	t.Helper()
	if key == "" {
		key = cert
	}
	conf := []string{
		"ssl = on",
		"ssl_ca_file = 'ssl/" + ca + ".crt'",
		"ssl_cert_file = 'ssl/" + cert + ".crt'",
		"ssl_key_file = 'ssl/" + key + ".key'",
		"ssl_crl_file = '" + crlFile + "'",
		"ssl_crl_dir = '" + crlDir + "'",
		"ssl_passphrase_command = '" + passphraseCmd + "'",
		"ssl_passphrase_command_supports_reload = on",
	}
	s.c.WriteFile(t, "sslconfig.conf", []byte(strings.Join(conf, "\n")+"\n"), 0o600)
	if !s.c.Running() {
		s.c.MustStart(t)
		return
	}
	if err := s.c.Reload(); err != nil {
		t.Fatalf("reload with %s: %v", cert, err)
	}
}

// file is the path of a client-side file of the set.
func (s *sslSuite) file(name string) string { return filepath.Join(s.dir, "ssl", name) }

// connectOK is the suite's connect_ok: psql connects with the common settings and
// params.
func (s *sslSuite) connectOK(t *testing.T, what string, params ...string) {
	t.Helper()
	out, stderr, err := s.c.Psql(s.c.ConnInfo(params...), "select ssl from pg_stat_ssl where pid = pg_backend_pid()")
	if err != nil || strings.TrimSpace(out) != "t" {
		t.Errorf("%s: want a connection, got %q, %v\n%s", what, out, err, stderr)
	}
}

// connectFails is the suite's connect_fails: psql fails, saying want.
func (s *sslSuite) connectFails(t *testing.T, what, want string, params ...string) {
	t.Helper()
	_, stderr, err := s.c.Psql(s.c.ConnInfo(params...), "select 1")
	if err == nil || !strings.Contains(stderr, want) {
		t.Errorf("%s: want a failure saying %q, got %v\n%s", what, want, err, stderr)
	}
}

// TestMakePostgresSSLSuite builds PostgreSQL's SSL test files with pgcert make from
// examples/postgres-ssl.yaml, serves them from a real PostgreSQL 15 server the way
// src/test/ssl's switch_server_cert does, and checks a sample of the suite's
// connect_ok and connect_fails cases with psql. One server is reconfigured by reloads.
func TestMakePostgresSSLSuite(t *testing.T) {
	spec, err := filepath.Abs(filepath.Join("..", "examples", "postgres-ssl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c := pgtest.NewCluster(t, pgtest.Options{Conf: []string{"log_connections = on"}})
	s := &sslSuite{c: c, dir: filepath.Join(c.ClientDir, "world")}

	r := pgcert(t, "make", "-f", spec, "-o", s.dir, "--json")
	if r.Code != 0 {
		t.Fatalf("pgcert make: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep struct {
		Changed bool
		Files   []struct{ Path, Mode, Status string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Changed || len(rep.Files) != pgSSLFiles {
		t.Fatalf("made %d files, want %d", len(rep.Files), pgSSLFiles)
	}
	if r := pgcert(t, "make", "-f", spec, "-o", s.dir); r.Code != 0 || !strings.Contains(r.Stdout, "is up to date") {
		t.Errorf("second make: exit %d, %q", r.Code, r.Stdout)
	}

	// Every certificate not marked testing: true passes zlint.
	for _, name := range []string{"root_ca", "server_ca", "client_ca", "server-cn-and-alt-names", "server-cn-and-ip-alt-names",
		"server-ip-alt-names", "server-ip-cn-and-alt-names", "server-ip-cn-and-dns-alt-names", "server-single-alt-name", "server-multiple-alt-names"} {
		data, err := os.ReadFile(s.file(name + ".crt"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pem.Decode(data)
		lintcert.Certificate(t, name, b.Bytes)
	}

	// The server's copy, owned by the server user as the suite's copy is.
	err = filepath.WalkDir(filepath.Join(s.dir, "ssl"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.dir, p)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".key") {
			mode = 0o600
		}
		c.WriteFile(t, rel, data, mode)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.AppendConf(t, "include 'sslconfig.conf'")
	c.WriteFile(t, "pg_ident.conf", []byte(`dn "CN=ssltestuser-dn,OU=Testing,OU=Engineering,O=PGDG" ssltestuser`+"\n"), 0o600)
	c.SetHBA(t,
		"hostssl trustdb all 127.0.0.1/32 trust",
		"hostssl certdb all 127.0.0.1/32 cert",
		"hostssl certdb_dn all 127.0.0.1/32 cert clientname=DN map=dn",
		"hostssl scramdb all 127.0.0.1/32 scram-sha-256",
	)
	s.switchServerCert(t, "server-cn-only", "", "root+client_ca", "ssl/root+client.crl", "", "")
	c.SQL(t, "CREATE ROLE ssltestuser LOGIN PASSWORD 'pass'")
	for _, db := range []string{"trustdb", "certdb", "certdb_dn", "scramdb"} {
		c.SQL(t, "CREATE DATABASE "+db)
	}

	verify := func(mode, root string, more ...string) []string {
		return append([]string{"dbname=trustdb", "sslcert=invalid", "sslmode=" + mode, "sslrootcert=" + s.file(root)}, more...)
	}

	t.Run("cn fallback", func(t *testing.T) {
		s.connectOK(t, "CN-only certificate, verify-full", verify("verify-full", "root+server_ca.crt", "host=common-name.pg-ssltest.test")...)
		s.connectFails(t, "wrong host name", `server certificate for "common-name.pg-ssltest.test" does not match host name "wronghost.test"`,
			verify("verify-full", "root+server_ca.crt", "host=wronghost.test")...)
		// Without the intermediate, the chain cannot be built.
		s.connectFails(t, "root only", "certificate verify failed", verify("verify-ca", "root_ca.crt", "host=common-name.pg-ssltest.test")...)
	})

	t.Run("client certificates", func(t *testing.T) {
		cert := func(name, key string, more ...string) []string {
			return append([]string{"dbname=certdb", "user=ssltestuser", "sslmode=require", "sslrootcert=invalid", "sslcert=" + s.file(name), "sslkey=" + s.file(key)}, more...)
		}
		s.connectOK(t, "version 1 client certificate", cert("client.crt", "client.key")...)
		s.connectOK(t, "DER key", cert("client.crt", "client-der.key")...)
		s.connectOK(t, "encrypted PEM key with sslpassword", cert("client.crt", "client-encrypted-pem.key", "sslpassword=dUmmyP^#+")...)
		s.connectOK(t, "DER key with sslpassword", cert("client.crt", "client-encrypted-der.key", "sslpassword=dUmmyP^#+")...)
		s.connectFails(t, "encrypted PEM key, wrong sslpassword", "could not load private key file",
			cert("client.crt", "client-encrypted-pem.key", "sslpassword=wrong")...)
		s.connectFails(t, "revoked client, ssl_crl_file", "certificate revoked", cert("client-revoked.crt", "client-revoked.key")...)
		s.connectFails(t, "revoked UTF-8 client, ssl_crl_file", "certificate revoked", cert("client-revoked-utf8.crt", "client-revoked-utf8.key")...)

		dn := func(name string) []string {
			return []string{"dbname=certdb_dn", "user=ssltestuser", "sslmode=require", "sslrootcert=invalid", "sslcert=" + s.file(name+".crt"), "sslkey=" + s.file(name+".key")}
		}
		s.connectOK(t, "clientname=DN with a multi-part DN", dn("client-dn")...)
		s.connectFails(t, "clientname=DN, another DN", `certificate authentication failed for user "ssltestuser"`, dn("client")...)

		s.switchServerCert(t, "server-cn-only", "", "root+client_ca", "", "ssl/root+client-crldir", "")
		s.connectOK(t, "ssl_crl_dir, good client", cert("client.crt", "client.key")...)
		s.connectFails(t, "revoked client, ssl_crl_dir", "certificate revoked", cert("client-revoked.crt", "client-revoked.key")...)

		// The server trusts the root only: the client must send its intermediate.
		s.switchServerCert(t, "server-cn-only", "", "root_ca", "", "", "")
		s.connectOK(t, "intermediate client certificate provided by the client", cert("client+client_ca.crt", "client.key")...)
		s.connectFails(t, "intermediate client certificate missing", "unknown ca", cert("client.crt", "client.key")...)
	})

	t.Run("server names", func(t *testing.T) {
		s.switchServerCert(t, "server-ip-cn-only", "", "root+client_ca", "", "", "")
		s.connectOK(t, "IP address in the CN", verify("verify-full", "root+server_ca.crt", "host=192.0.2.1")...)
		s.connectFails(t, "IP-looking host name against the CN", `server certificate for "192.0.2.1" does not match host name "192.000.002.001"`,
			verify("verify-full", "root+server_ca.crt", "host=192.000.002.001")...)

		s.switchServerCert(t, "server-ip-cn-and-alt-names", "", "root+client_ca", "", "", "")
		s.connectOK(t, "IP SAN", verify("verify-full", "root+server_ca.crt", "host=192.0.2.2")...)
		s.connectOK(t, "IPv6 SAN", verify("verify-full", "root+server_ca.crt", "host=2001:db8::1")...)
		s.connectFails(t, "CN ignored when IP SANs exist", `server certificate for "192.0.2.2" (and 1 other name) does not match host name "192.0.2.1"`,
			verify("verify-full", "root+server_ca.crt", "host=192.0.2.1")...)

		s.switchServerCert(t, "server-ip-in-dnsname", "", "root+client_ca", "", "", "")
		s.connectOK(t, "IP address in a dNSName", verify("verify-full", "root+server_ca.crt", "host=192.0.2.1")...)

		s.switchServerCert(t, "server-multiple-alt-names", "", "root+client_ca", "", "", "")
		s.connectOK(t, "wildcard SAN", verify("verify-full", "root+server_ca.crt", "host=foo.wildcard.pg-ssltest.test")...)
		s.connectFails(t, "wildcard is one label", `does not match host name "deep.subdomain.wildcard.pg-ssltest.test"`,
			verify("verify-full", "root+server_ca.crt", "host=deep.subdomain.wildcard.pg-ssltest.test")...)

		s.switchServerCert(t, "server-no-names", "", "root+client_ca", "", "", "")
		s.connectOK(t, "no names, verify-ca", verify("verify-ca", "root+server_ca.crt", "host=common-name.pg-ssltest.test")...)
		s.connectFails(t, "no names, verify-full", "could not get server's host name from server certificate",
			verify("verify-full", "root+server_ca.crt", "host=common-name.pg-ssltest.test")...)
	})

	t.Run("client-side CRLs", func(t *testing.T) {
		// libpq loads no CRL at all when one of sslcrl and sslcrldir fails to load,
		// and sslcrl defaults to ~/.postgresql/root.crl: the directory cases give
		// the client CA's CRL, which says nothing about the server's chain, as
		// sslcrl, so that the server's CRLs come from the directory alone.
		dirOnly := "sslcrl=" + s.file("client.crl")
		s.switchServerCert(t, "server-cn-only", "", "root+client_ca", "", "", "")
		s.connectOK(t, "sslcrl, good server", verify("verify-ca", "root+server_ca.crt", "sslcrl="+s.file("root+server.crl"))...)
		s.connectOK(t, "sslcrldir, good server", verify("verify-ca", "root+server_ca.crt", dirOnly, "sslcrldir="+s.file("root+server-crldir"))...)
		s.connectFails(t, "sslcrldir without the root's CRL", "certificate verify failed", verify("verify-ca", "root+server_ca.crt", dirOnly, "sslcrldir="+s.file("server-crldir"))...)
		s.switchServerCert(t, "server-revoked", "", "root+client_ca", "", "", "")
		s.connectOK(t, "revoked server without a CRL", verify("verify-ca", "root+server_ca.crt")...)
		s.connectFails(t, "revoked server, sslcrl", "SSL error: certificate verify failed", verify("verify-ca", "root+server_ca.crt", "sslcrl="+s.file("root+server.crl"))...)
		s.connectFails(t, "revoked server, sslcrldir", "SSL error: certificate verify failed", verify("verify-ca", "root+server_ca.crt", dirOnly, "sslcrldir="+s.file("root+server-crldir"))...)
	})

	t.Run("encrypted server key", func(t *testing.T) {
		s.switchServerCert(t, "server-cn-only", "server-password", "root+client_ca", "", "", "echo secret1")
		s.connectOK(t, "server key with ssl_passphrase_command", verify("verify-full", "root+server_ca.crt", "host=common-name.pg-ssltest.test")...)
	})

	t.Run("rsa-pss with channel binding", func(t *testing.T) {
		s.switchServerCert(t, "server-rsapss", "", "root+client_ca", "", "", "")
		mark := c.LogMark()
		s.connectOK(t, "SCRAM with channel_binding=require, RSA-PSS server certificate",
			"dbname=scramdb", "user=ssltestuser", "password=pass", "sslmode=require", "sslcert=invalid", "sslrootcert=invalid", "host=localhost", "channel_binding=require")
		if err := c.WaitForLogSince(mark, `connection authenticated: identity="ssltestuser" method=scram-sha-256`, 10*time.Second); err != nil {
			t.Errorf("server log: %v\n%s", err, c.LogSince(mark))
		}
	})
}
