package e2e

import (
	"errors"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
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
