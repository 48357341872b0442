package e2e

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

// sslSetup is a stopped cluster with ssl = on, serving the hierarchy's server
// certificate and intermediate, and hostssl lines for 127.0.0.1.
func sslSetup(t *testing.T, h *hierarchy, hba string) *pgtest.Cluster {
	t.Helper()
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, testpki.Bundle(h.server, h.inter), h.server.KeyPEM(t))
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 "+hba)
	return c
}

// psqlVerifyFull connects as psql does with sslmode=verify-full and the root alone
// in root.crt, presenting the client certificate when withClient is set.
func psqlVerifyFull(t *testing.T, c *pgtest.Cluster, h *hierarchy, withClient bool) (string, error) {
	t.Helper()
	root := c.ClientFile(t, "root.crt", h.root.PEM(), 0o644)
	params := []string{"host=" + serverName, "sslmode=verify-full", "sslrootcert=" + root}
	if withClient {
		params = append(params,
			"sslcert="+c.ClientFile(t, "postgresql.crt", h.client.PEM(), 0o644),
			"sslkey="+c.ClientFile(t, "postgresql.key", h.client.KeyPEM(t), 0o600))
	}
	_, stderr, err := c.Psql(c.ConnInfo(params...), "select 1")
	return stderr, err
}

// checkCase is a data directory with one fault planted (or none), what `pgcert check
// -D` must say of it, and what the real server then does.
type checkCase struct {
	name      string
	needsRoot bool
	hba       string
	plant     func(t *testing.T, c *pgtest.Cluster, h *hierarchy)
	// problems are the warnings and errors check must report, as "group/check level";
	// none means check must exit 0.
	problems []string
	// fatal is the group/check whose message the server must log as FATAL at start;
	// empty when the server starts.
	fatal string
	// connect, when the server starts, connects with psql and checks the result
	// against check's report.
	connect func(t *testing.T, c *pgtest.Cluster, h *hierarchy, rep checkJSON)
}

func TestCheckPredictsServer(t *testing.T) {
	for _, tc := range []checkCase{
		{
			name: "key 0644 owned by postgres",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFile(t, "server.key", h.server.KeyPEM(t), 0o644)
			},
			problems: []string{"ssl_key_file/permissions error"},
			fatal:    "ssl_key_file/permissions",
		},
		{
			name: "key 0640 owned by postgres",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFile(t, "server.key", h.server.KeyPEM(t), 0o640)
			},
			problems: []string{"ssl_key_file/permissions error"},
			fatal:    "ssl_key_file/permissions",
		},
		{
			name:      "key owned by another user",
			needsRoot: true,
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				uid, gid := osUser(t, "nobody")
				c.WriteFileAs(t, "server.key", h.server.KeyPEM(t), 0o600, uid, gid)
			},
			problems: []string{"ssl_key_file/permissions error"},
			fatal:    "ssl_key_file/permissions",
		},
		{
			name:      "root-owned 0640 key of group ssl-cert (accepted)",
			needsRoot: true,
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFileAs(t, "server.key", h.server.KeyPEM(t), 0o640, 0, osGroup(t, "ssl-cert"))
			},
			connect: func(t *testing.T, c *pgtest.Cluster, h *hierarchy, rep checkJSON) {
				if stderr, err := psqlVerifyFull(t, c, h, false); err != nil {
					t.Errorf("check found no problem, yet psql failed: %v\n%s", err, stderr)
				}
			},
		},
		{
			name: "intermediate before leaf in server.crt",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFile(t, "server.crt", testpki.Bundle(h.inter, h.server), 0o644)
			},
			problems: []string{"ssl_cert_file/order error", "ssl_key_file/match error"},
			fatal:    "ssl_key_file/match",
		},
		{
			name: "key not matching the certificate",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				other := testpki.Make(t, testpki.Template{CN: "other"}, nil)
				c.WriteFile(t, "server.key", other.KeyPEM(t), 0o600)
			},
			problems: []string{"ssl_key_file/match error"},
			fatal:    "ssl_key_file/match",
		},
		{
			name: "expired server certificate",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				expired := h.serverCert(t, h.now.Add(-48*time.Hour), h.now.Add(-24*time.Hour))
				c.WriteFile(t, "server.crt", testpki.Bundle(expired, h.inter), 0o644)
				c.WriteFile(t, "server.key", expired.KeyPEM(t), 0o600)
			},
			problems: []string{"ssl_cert_file/validity error"},
			connect: func(t *testing.T, c *pgtest.Cluster, h *hierarchy, rep checkJSON) {
				f := rep.one(t, "ssl_cert_file", "validity")
				if !strings.Contains(f.Message, "expired") || !strings.Contains(f.Detail, "certificate has expired") || !strings.Contains(f.Detail, `"SSL error: certificate verify failed"`) {
					t.Errorf("check's finding: %+v", f)
				}
				stderr, err := psqlVerifyFull(t, c, h, false)
				if err == nil || !strings.Contains(stderr, "SSL error: certificate verify failed") {
					t.Errorf("psql with an expired server certificate: %v\n%s", err, stderr)
				}
			},
		},
		{
			name: "CRLs for every CA (accepted)",
			hba:  "cert",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				plantCRLs(t, c, h, true, h.now.Add(60*24*time.Hour))
			},
			connect: func(t *testing.T, c *pgtest.Cluster, h *hierarchy, rep checkJSON) {
				if stderr, err := psqlVerifyFull(t, c, h, true); err != nil {
					t.Errorf("check found no problem, yet psql failed: %v\n%s", err, stderr)
				}
			},
		},
		{
			name: "missing CRL for the root",
			hba:  "cert",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				plantCRLs(t, c, h, false, h.now.Add(60*24*time.Hour))
			},
			problems: []string{"ssl_crl_file/crl-missing error"},
			connect: func(t *testing.T, c *pgtest.Cluster, h *hierarchy, rep checkJSON) {
				f := rep.one(t, "ssl_crl_file", "crl-missing")
				if !strings.Contains(f.Message, "pgcert e2e root") {
					t.Errorf("check's finding: %+v", f)
				}
				clientRefused(t, c, h, f)
			},
		},
		{
			name: "expired CRL",
			hba:  "cert",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				plantCRLs(t, c, h, true, h.now.Add(-time.Minute))
			},
			problems: []string{"ssl_crl_file/crl-validity error"},
			connect: func(t *testing.T, c *pgtest.Cluster, h *hierarchy, rep checkJSON) {
				f := rep.one(t, "ssl_crl_file", "crl-validity")
				if !strings.Contains(f.Message, "pgcert e2e intermediate") || !strings.Contains(f.Message, "expired") {
					t.Errorf("check's finding: %+v", f)
				}
				clientRefused(t, c, h, f)
			},
		},
		{
			name: "encrypted key without ssl_passphrase_command",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				enc, err := keys.MarshalEncryptedPKCS8PEM(h.server.Key, []byte("secret passphrase"), keys.EncryptOptions{Iterations: 1000})
				if err != nil {
					t.Fatal(err)
				}
				c.WriteFile(t, "server.key", enc, 0o600)
			},
			problems: []string{"ssl_key_file/passphrase error"},
			fatal:    "ssl_key_file/passphrase",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHierarchy(t)
			hba := tc.hba
			if hba == "" {
				hba = "trust"
			}
			c := sslSetup(t, h, hba)
			if tc.needsRoot && !c.Install.AsRoot() {
				testenv.Missing(t, "only root can give a file to another user")
			}
			tc.plant(t, c, h)

			r := pgcert(t, "check", "-D", c.DataDir, "--json")
			rep := parseCheck(t, r)
			wantCode := 0
			if len(tc.problems) > 0 {
				wantCode = 1
			}
			if r.Code != wantCode || !sameSet(rep.problems(), tc.problems) || rep.OK != (wantCode == 0) {
				t.Fatalf("pgcert check: exit %d, problems %v; want exit %d, problems %v", r.Code, rep.problems(), wantCode, tc.problems)
			}

			err := c.Start()
			if tc.fatal == "" {
				if err != nil {
					t.Fatalf("check predicted a start, the server did not start: %v", err)
				}
				if tc.connect != nil {
					tc.connect(t, c, h, rep)
				}
				return
			}
			var se *pgtest.StartError
			if !errors.As(err, &se) {
				t.Fatalf("check predicted a failed start, the server: %v", err)
			}
			group, check, _ := strings.Cut(tc.fatal, "/")
			f := rep.one(t, group, check)
			if f.Source != "server" || !strings.Contains(se.Log, "FATAL:  "+f.Message+"\n") {
				t.Errorf("check predicted FATAL %q (%s's words); the server logged:\n%s", f.Message, f.Source, se.Log)
			}
			if f.Detail != "" && check == "permissions" && !strings.Contains(se.Log, "DETAIL:  "+f.Detail) {
				t.Errorf("check predicted DETAIL %q; the server logged:\n%s", f.Detail, se.Log)
			}
		})
	}
}

// plantCRLs makes the server ask for client certificates from root and intermediate
// (root.crt) and check them against root.crl: the intermediate's CRL valid until
// nextUpdate, and the root's, current, when withRoot is set.
func plantCRLs(t *testing.T, c *pgtest.Cluster, h *hierarchy, withRoot bool, nextUpdate time.Time) {
	t.Helper()
	c.WriteFile(t, "root.crt", testpki.Bundle(h.root, h.inter), 0o644)
	thisUpdate := h.now.Add(-time.Hour)
	if nextUpdate.Before(thisUpdate) {
		thisUpdate = nextUpdate.Add(-time.Hour)
	}
	crls := h.crl(t, h.inter, thisUpdate, nextUpdate)
	if withRoot {
		crls = append(crls, h.crl(t, h.root, h.now.Add(-time.Hour), h.now.Add(60*24*time.Hour))...)
	}
	c.WriteFile(t, "root.crl", crls, 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'")
}

// clientRefused checks that psql's certificate login fails the way check's finding
// says the client will see it.
func clientRefused(t *testing.T, c *pgtest.Cluster, h *hierarchy, f finding) {
	t.Helper()
	_, quoted, ok := strings.Cut(f.Detail, `the client sees "`)
	if !ok {
		t.Fatalf("check's finding does not say what the client sees: %+v", f)
	}
	sees, _, _ := strings.Cut(quoted, `"`)
	stderr, err := psqlVerifyFull(t, c, h, true)
	if err == nil || !strings.Contains(stderr, sees) {
		t.Errorf("check said the client sees %q; psql: %v\n%s", sees, err, stderr)
	}
}

// TestCheckConfigErrors runs check on what stops it or the server before any file is
// looked at: a configuration the server cannot parse, a directory that is missing or
// that the user may not read.
func TestCheckConfigErrors(t *testing.T) {
	h := newHierarchy(t)
	c := sslSetup(t, h, "trust")
	c.AppendConf(t, "ssl_cert_file = server.crt")

	r := pgcert(t, "check", "-D", c.DataDir, "--json")
	rep := parseCheck(t, r)
	f := rep.one(t, "postgresql.conf", "config")
	if r.Code != 1 || f.Source != "server" || f.File != c.Path("postgresql.conf") || f.Line == 0 {
		t.Fatalf("exit %d, finding %+v", r.Code, f)
	}
	err := c.Start()
	var se *pgtest.StartError
	if !errors.As(err, &se) || !strings.Contains(se.Log, "LOG:  "+f.Message+"\n") || !strings.Contains(se.Log, "contains errors") {
		t.Fatalf("check predicted %q; the server: %v", f.Message, err)
	}
	human := pgcert(t, "check", "-D", c.DataDir)
	if human.Code != 1 || !strings.Contains(human.Stdout, "at "+c.Path("postgresql.conf")+":") {
		t.Errorf("human output does not locate the error:\n%s", human.Stdout)
	}

	missing := pgcert(t, "check", "-D", filepath.Join(c.Base, "nothere"))
	if missing.Code != 1 || !strings.Contains(missing.Stderr, "no such directory") || missing.Stdout != "" {
		t.Errorf("a missing directory: exit %d, stderr %q", missing.Code, missing.Stderr)
	}

	if !c.Install.AsRoot() {
		return
	}
	// The data directory is 0700 and belongs to postgres: another user cannot read it.
	uid, gid := osUser(t, "nobody")
	denied := pgcertAs(t, pgtest.User{Name: "nobody", UID: uid, GID: gid}, "check", "-D", c.DataDir)
	if denied.Code != 1 || !strings.Contains(denied.Stderr, "permission denied") || !strings.Contains(denied.Stderr, "pgcert: hint: run pgcert as root or as the database user") {
		t.Errorf("an unreadable data directory: exit %d, stderr %q", denied.Code, denied.Stderr)
	}
	if _, err := os.Stat(c.DataDir); err != nil {
		t.Fatal(err)
	}
}
