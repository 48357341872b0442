package e2e

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestCheckRefusedSettings starts PostgreSQL 15 with each setting that parses but
// stops the server, and with a harmless neighbour of each: check must report an
// error in the server's words exactly when the server refuses to start.
func TestCheckRefusedSettings(t *testing.T) {
	h := newHierarchy(t)
	for _, tc := range []struct {
		name string
		conf []string
		// problem is the group/check check reports as an error, empty when the
		// server starts.
		problem string
	}{
		{"unknown protocol version", []string{"ssl_min_protocol_version = 'TLSv1.9'"}, "postgresql.conf/config"},
		{"empty minimum protocol version", []string{"ssl_min_protocol_version = ''"}, "postgresql.conf/config"},
		{"minimum above maximum", []string{"ssl_min_protocol_version = 'TLSv1.3'", "ssl_max_protocol_version = 'TLSv1.2'"}, "postgresql.conf/protocol"},
		{"no cipher", []string{"ssl_ciphers = 'NOTACIPHER'"}, "postgresql.conf/ciphers"},
		{"one unknown cipher among known ones", []string{"ssl_ciphers = 'HIGH:!aNULL:NOTACIPHER'"}, ""},
		{"unknown curve", []string{"ssl_ecdh_curve = 'P-256'"}, "postgresql.conf/ecdh-curve"},
		{"X25519", []string{"ssl_ecdh_curve = 'X25519'"}, "postgresql.conf/ecdh-curve"},
		{"another curve", []string{"ssl_ecdh_curve = 'secp384r1'"}, ""},
		{"missing DH parameters", []string{"ssl_dh_params_file = 'nothere.pem'"}, "postgresql.conf/dh-params"},
		{"unknown parameter", []string{"no_such_parameter = 1"}, "postgresql.conf/config"},
		{"an extension's parameter", []string{"myext.setting = 1"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := sslSetup(t, h, "trust")
			c.AppendConf(t, tc.conf...)
			r := pgcert(t, "check", "-D", c.DataDir, "--json")
			rep := parseCheck(t, r)
			var errs []string
			for _, p := range rep.problems() {
				if strings.HasSuffix(p, " error") {
					errs = append(errs, strings.TrimSuffix(p, " error"))
				}
			}
			err := c.Start()
			if tc.problem == "" {
				if len(errs) > 0 || r.Code != 0 || err != nil {
					t.Fatalf("check: exit %d, errors %v; the server: %v", r.Code, errs, err)
				}
				return
			}
			if r.Code != 1 || strings.Join(errs, ",") != tc.problem {
				t.Fatalf("check: exit %d, errors %v; want %s", r.Code, errs, tc.problem)
			}
			var se *pgtest.StartError
			if !errors.As(err, &se) {
				t.Fatalf("check predicted a failed start, the server: %v", err)
			}
			group, check, _ := strings.Cut(tc.problem, "/")
			f := rep.one(t, group, check)
			logged := "FATAL:  " + f.Message + "\n"
			if check == "config" {
				logged = "LOG:  " + f.Message + "\n"
			}
			if f.Source != "server" || !strings.Contains(se.Log, logged) {
				t.Errorf("check predicted %q (%s's words); the server logged:\n%s", logged, f.Source, se.Log)
			}
		})
	}
}

// TestCheckRevokedIntermediate revokes the intermediate CA in the root's CRL: check
// must say so, and the real server then refuses a client certificate under it the
// way check says.
func TestCheckRevokedIntermediate(t *testing.T) {
	h := newHierarchy(t)
	c := sslSetup(t, h, "cert")
	c.WriteFile(t, "root.crt", testpki.Bundle(h.root, h.inter), 0o644)
	crls := append(h.root.CRLPEM(t, 2, h.now.Add(-time.Hour), h.now.Add(60*24*time.Hour), testpki.Revoked{Cert: h.inter.Cert, At: h.now.Add(-time.Hour)}),
		h.crl(t, h.inter, h.now.Add(-time.Hour), h.now.Add(60*24*time.Hour))...)
	c.WriteFile(t, "root.crl", crls, 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'")

	r := pgcert(t, "check", "-D", c.DataDir, "--json")
	rep := parseCheck(t, r)
	if r.Code != 1 || !sameSet(rep.problems(), []string{"ssl_crl_file/crl-revoked error"}) {
		t.Fatalf("check: exit %d, problems %v", r.Code, rep.problems())
	}
	c.MustStart(t)
	clientRefused(t, c, h, rep.one(t, "ssl_crl_file", "crl-revoked"))
}

// TestCheckEd25519SignedServer serves a certificate an Ed25519 CA signed: the server
// starts, and SCRAM over SSL fails in libpq as check and probe say.
func TestCheckEd25519SignedServer(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	root := testpki.Make(t, testpki.Template{CN: "pgcert e2e ed25519 root", IsCA: true, MaxPath: -1, Key: edKey}, nil)
	srv := root.Server(t, serverName)
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, srv.PEM(), srv.KeyPEM(t))
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 scram-sha-256")

	r := pgcert(t, "check", "-D", c.DataDir, "--json")
	rep := parseCheck(t, r)
	if r.Code != 1 || !sameSet(rep.problems(), []string{"ssl_cert_file/signature error"}) {
		t.Fatalf("check: exit %d, problems %v", r.Code, rep.problems())
	}
	f := rep.one(t, "ssl_cert_file", "signature")
	c.MustStart(t)
	_, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=require", "password=secret"), "select 1")
	if err == nil || f.Source != "libpq" || !strings.Contains(stderr, f.Message) {
		t.Errorf("check predicted libpq's %q; psql: %v\n%s", f.Message, err, stderr)
	}
	_, stderr, err = c.Psql(c.ConnInfo("host="+serverName, "sslmode=require", "password=secret", "channel_binding=disable"), "select 1")
	if err != nil && strings.Contains(stderr, f.Message) {
		t.Errorf("without channel binding psql still fails on the digest: %s", stderr)
	}

	pr := pgcert(t, "probe", serverName+":"+strconv.Itoa(c.Port()), "--hostaddr", "127.0.0.1", "--sslmode", "require", "--json")
	prep := parseProbe(t, pr)
	if pr.Code != 1 || prep.OK || len(prep.Problems) != 1 || !strings.Contains(prep.Problems[0], "signed with EdDSA") {
		t.Errorf("probe: exit %d, problems %q", pr.Code, prep.Problems)
	}
}

// TestCheckHBAIncludeLoop plants a pg_hba.conf whose @file includes itself: check must
// report it, and the real server then does not start.
func TestCheckHBAIncludeLoop(t *testing.T) {
	h := newHierarchy(t)
	c := sslSetup(t, h, "trust")
	c.SetHBA(t, "hostssl @users.txt all 127.0.0.1/32 trust")
	c.WriteFile(t, "users.txt", []byte("@users.txt\n"), 0o600)

	r := pgcert(t, "check", "-D", c.DataDir, "--json")
	rep := parseCheck(t, r)
	if r.Code != 1 || !sameSet(rep.problems(), []string{"pg_hba.conf/hba-include error"}) {
		t.Fatalf("check: exit %d, problems %v", r.Code, rep.problems())
	}
	err := c.Start()
	var se *pgtest.StartError
	if !errors.As(err, &se) || !strings.Contains(se.Log, "exceeded maxAllocatedDescs") || !strings.Contains(se.Log, c.Path("users.txt")) {
		t.Fatalf("check predicted a failed start; the server: %v", err)
	}
}
