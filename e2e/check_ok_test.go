package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

// okCase is a setting or a file that check calls ok, with what the real server must
// then do: start, serve the certificate to psql with sslmode=verify-full, and, with
// reload, reload its SSL files.
type okCase struct {
	name  string
	plant func(t *testing.T, c *okCluster)
	// hba is the method of the hostssl line (trust by default); hbaLines, when
	// set, replace pg_hba.conf's lines.
	hba      string
	hbaLines []string
	// oks are the group/check findings check must report at level ok.
	oks []string
	// warnings are the only problems check may report, as "group/check warning".
	warnings []string
	// client connects with the client certificate (cert authentication);
	// clientChain sends the intermediate with it, as pgcert's client bundles do.
	client, clientChain bool
	// reload reloads the server after the connection and checks that it kept SSL
	// working and logged no "SSL configuration was not reloaded".
	reload bool
}

// okCluster is the cluster of an okCase and the hierarchy of its files.
type okCluster struct {
	c *pgtest.Cluster
	h *hierarchy
}

// crlDays is how long the planted CRLs are current.
const crlDays = 60 * 24 * time.Hour

// TestCheckOKSettings backs every "ok" check prints about a setting with the real
// server: for each value check calls ok (or reports nothing about, as it does for
// ssl_ecdh_curve and ssl_dh_params_file), PostgreSQL 15 starts with it, and psql
// connects with sslmode=verify-full. Its counterpart for refused values is
// TestCheckRefusedSettings; for files, TestCheckPredictsServer.
func TestCheckOKSettings(t *testing.T) {
	cases := []okCase{
		{name: "ssl_min_protocol_version TLSv1.2", plant: conf("ssl_min_protocol_version = 'TLSv1.2'"), oks: []string{"postgresql.conf/protocol", "postgresql.conf/config", "postgresql.conf/ssl"}},
		{name: "ssl_min_protocol_version tlsv1.3 in lower case", plant: conf("ssl_min_protocol_version = 'tlsv1.3'"), oks: []string{"postgresql.conf/protocol"}},
		{name: "TLSv1.2 to TLSv1.3", plant: conf("ssl_min_protocol_version = 'TLSv1.2'", "ssl_max_protocol_version = 'TLSv1.3'"), oks: []string{"postgresql.conf/protocol"}},
		{name: "TLSv1.3 to TLSv1.3", plant: conf("ssl_min_protocol_version = 'TLSv1.3'", "ssl_max_protocol_version = 'TLSv1.3'"), oks: []string{"postgresql.conf/protocol"}},
		{name: "no maximum protocol version", plant: conf("ssl_max_protocol_version = ''"), oks: []string{"postgresql.conf/protocol"}},
		{name: "the default ssl_ciphers", plant: conf("ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL'"), oks: []string{"postgresql.conf/ciphers"}},
		{name: "one cipher suite", plant: conf("ssl_ciphers = 'ECDHE-ECDSA-AES128-GCM-SHA256'"), oks: []string{"postgresql.conf/ciphers"}},
		{name: "ssl_ciphers excluding NULL and anonymous", plant: conf("ssl_ciphers = 'ALL:!aNULL:!eNULL'"), oks: []string{"postgresql.conf/ciphers"}},
		{name: "ssl_ecdh_curve prime256v1", plant: conf("ssl_ecdh_curve = 'prime256v1'"), oks: []string{"postgresql.conf/config"}},
		{name: "ssl_ecdh_curve secp521r1", plant: conf("ssl_ecdh_curve = 'secp521r1'"), oks: []string{"postgresql.conf/config"}},
		{name: "ssl_dh_params_file", plant: func(t *testing.T, c *okCluster) {
			openssl := testenv.RequireOpenSSL(t)
			out := filepath.Join(t.TempDir(), "dh.pem")
			if b, err := exec.Command(openssl, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", out).CombinedOutput(); err != nil {
				t.Fatalf("openssl genpkey: %v\n%s", err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			c.c.WriteFile(t, "dh.pem", data, 0o644)
			c.c.AppendConf(t, "ssl_dh_params_file = 'dh.pem'")
		}, oks: []string{"postgresql.conf/config"}},
		{name: "settings in an included file", plant: func(t *testing.T, c *okCluster) {
			c.c.WriteFile(t, "ssl.conf", []byte("ssl_min_protocol_version = 'TLSv1.3'\nssl_ciphers = 'HIGH:!aNULL'\n"), 0o600)
			c.c.AppendConf(t, "include 'ssl.conf'")
		}, oks: []string{"postgresql.conf/config", "postgresql.conf/protocol", "postgresql.conf/ciphers"}},
		{name: "ssl_passphrase_command at start", plant: encryptedKey(false),
			oks: []string{"ssl_key_file/passphrase", "ssl_key_file/match", "ssl_key_file/load"}, warnings: []string{"ssl_key_file/passphrase warning"}},
		{name: "ssl_passphrase_command at start and on reload", plant: encryptedKey(true),
			oks: []string{"ssl_key_file/passphrase"}, reload: true},
		{name: "server.key 0400", plant: func(t *testing.T, c *okCluster) {
			c.c.WriteFile(t, "server.key", c.h.server.KeyPEM(t), 0o400)
		}, oks: []string{"ssl_key_file/permissions"}},
		{name: "server.crt with the root", plant: func(t *testing.T, c *okCluster) {
			c.c.WriteFile(t, "server.crt", testpki.Bundle(c.h.server, c.h.inter, c.h.root), 0o644)
		}, oks: []string{"ssl_cert_file/order", "ssl_cert_file/verify", "ssl_cert_file/purpose", "ssl_cert_file/san"}},
		{name: "server certificate without extendedKeyUsage", plant: func(t *testing.T, c *okCluster) {
			nb, na := validFrom(c.h.now)
			leaf := testpki.Make(t, testpki.Template{CN: serverName, DNS: []string{serverName}, NotBefore: nb, NotAfter: na}, c.h.inter)
			c.c.WriteFile(t, "server.crt", testpki.Bundle(leaf, c.h.inter), 0o644)
			c.c.WriteFile(t, "server.key", leaf.KeyPEM(t), 0o600)
		}, oks: []string{"ssl_cert_file/purpose"}},
		{name: "client CAs and a CRL for each", hba: "cert", client: true, reload: true, plant: func(t *testing.T, c *okCluster) {
			c.crls(t)
		}, oks: []string{"ssl_ca_file/ca", "ssl_ca_file/client-certificates", "ssl_crl_file/crl-signature", "ssl_crl_file/crl-validity", "ssl_crl_file/crl-missing", "pg_hba.conf/hba"}},
		{name: "root.crt with the root alone, CRLs of the root and of server.crt's intermediate", hba: "cert", clientChain: true, plant: func(t *testing.T, c *okCluster) {
			c.c.WriteFile(t, "root.crt", c.h.root.PEM(), 0o644)
			crls := append(c.h.crl(t, c.h.inter, c.h.now.Add(-time.Hour), c.h.now.Add(crlDays)),
				c.h.crl(t, c.h.root, c.h.now.Add(-time.Hour), c.h.now.Add(crlDays))...)
			c.c.WriteFile(t, "root.crl", crls, 0o644)
			c.c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'")
		}, oks: []string{"ssl_crl_file/crl-signature", "ssl_crl_file/crl-missing", "ssl_cert_file/chain"}},
		{name: "a hashed CRL directory", hba: "cert", client: true, plant: func(t *testing.T, c *okCluster) {
			c.c.WriteFile(t, "root.crt", testpki.Bundle(c.h.root, c.h.inter), 0o644)
			src := filepath.Join(t.TempDir(), "all.crl")
			crls := append(c.h.crl(t, c.h.inter, c.h.now.Add(-time.Hour), c.h.now.Add(crlDays)),
				c.h.crl(t, c.h.root, c.h.now.Add(-time.Hour), c.h.now.Add(crlDays))...)
			if err := os.WriteFile(src, crls, 0o644); err != nil {
				t.Fatal(err)
			}
			if r := pgcert(t, "crl", "dir", "--out", c.c.Path("crls"), src); r.Code != 0 {
				t.Fatalf("crl dir: %d\n%s", r.Code, r.Stderr)
			}
			c.c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_dir = 'crls'")
		}, oks: []string{"ssl_crl_dir/crl-signature", "ssl_crl_dir/crl-validity", "ssl_crl_dir/access"}},
		{name: "pg_hba.conf with an @file of roles", hbaLines: []string{"hostssl all @roles.txt 127.0.0.1/32 cert"}, client: true, plant: func(t *testing.T, c *okCluster) {
			c.crls(t)
			c.c.WriteFile(t, "roles.txt", []byte("postgres\n"), 0o600)
		}, oks: []string{"pg_hba.conf/hba"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHierarchy(t)
			hba := tc.hba
			if hba == "" {
				hba = "trust"
			}
			c := sslSetup(t, h, hba)
			if tc.hbaLines != nil {
				c.SetHBA(t, tc.hbaLines...)
			}
			tc.plant(t, &okCluster{c: c, h: h})

			r := pgcert(t, "check", "-D", c.DataDir, "--json", "--host", serverName)
			rep := parseCheck(t, r)
			if !sameSet(rep.problems(), tc.warnings) || r.Code != 0 {
				t.Fatalf("pgcert check: exit %d, problems %v; want exit 0, problems %v", r.Code, rep.problems(), tc.warnings)
			}
			for _, ok := range append([]string{"ssl_cert_file/host", "ssl_cert_file/validity", "ssl_key_file/match"}, tc.oks...) {
				group, check, _ := strings.Cut(ok, "/")
				found := false
				for _, f := range rep.find(group, check) {
					found = found || f.Level == "ok"
				}
				if !found {
					t.Errorf("check reports no ok %s", ok)
				}
			}
			if err := c.Start(); err != nil {
				t.Fatalf("check says ok, the server does not start: %v", err)
			}
			if stderr, err := okConnect(t, c, h, tc); err != nil {
				t.Fatalf("check says ok, psql with sslmode=verify-full fails: %v\n%s", err, stderr)
			}
			if !tc.reload {
				return
			}
			mark := c.LogMark()
			if err := c.Reload(); err != nil {
				t.Fatal(err)
			}
			if stderr, err := okConnect(t, c, h, tc); err != nil {
				t.Fatalf("after a reload, psql with sslmode=verify-full fails: %v\n%s", err, stderr)
			}
			if log := c.LogSince(mark); strings.Contains(log, "SSL configuration was not reloaded") {
				t.Errorf("check says ok, the server did not reload its SSL files:\n%s", log)
			}
		})
	}
}

// conf plants postgresql.conf lines.
func conf(lines ...string) func(t *testing.T, c *okCluster) {
	return func(t *testing.T, c *okCluster) { c.c.AppendConf(t, lines...) }
}

// encryptedKey plants the server key encrypted, with an ssl_passphrase_command that
// prints its passphrase, allowed on reload when onReload is set.
func encryptedKey(onReload bool) func(t *testing.T, c *okCluster) {
	return func(t *testing.T, c *okCluster) {
		enc, err := keys.MarshalEncryptedPKCS8PEM(c.h.server.Key, []byte("secret passphrase"), keys.EncryptOptions{Iterations: 1000})
		if err != nil {
			t.Fatal(err)
		}
		c.c.WriteFile(t, "server.key", enc, 0o600)
		c.c.AppendConf(t, `ssl_passphrase_command = 'echo "secret passphrase"'`)
		if onReload {
			c.c.AppendConf(t, "ssl_passphrase_command_supports_reload = on")
		}
	}
}

// crls plants root.crt (root and intermediate) and root.crl with a current CRL of
// each.
func (c *okCluster) crls(t *testing.T) {
	c.c.WriteFile(t, "root.crt", testpki.Bundle(c.h.root, c.h.inter), 0o644)
	crls := append(c.h.crl(t, c.h.inter, c.h.now.Add(-time.Hour), c.h.now.Add(crlDays)),
		c.h.crl(t, c.h.root, c.h.now.Add(-time.Hour), c.h.now.Add(crlDays))...)
	c.c.WriteFile(t, "root.crl", crls, 0o644)
	c.c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'")
}

// okConnect connects as psql does with sslmode=verify-full and the root alone in
// root.crt, with the client certificate (and its intermediate) when the case says.
func okConnect(t *testing.T, c *pgtest.Cluster, h *hierarchy, tc okCase) (string, error) {
	t.Helper()
	if !tc.clientChain {
		return psqlVerifyFull(t, c, h, tc.client)
	}
	root := c.ClientFile(t, "root.crt", h.root.PEM(), 0o644)
	_, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+root,
		"sslcert="+c.ClientFile(t, "postgresql.crt", testpki.Bundle(h.client, h.inter), 0o644),
		"sslkey="+c.ClientFile(t, "postgresql.key", h.client.KeyPEM(t), 0o600)), "select 1")
	return stderr, err
}
