package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
)

// TestSelfsignEd25519BreaksSCRAM: `selfsign -D --type ed25519` is refused, as the
// EdDSA-signed certificate it would write breaks SCRAM; with --force it is
// written, the server starts, and a SCRAM password login over SSL fails with
// "could not find digest for NID UNDEF", as pgcert said, though a trust login over
// SSL works. `pgcert probe` reports the server for it and exits 1. The same login
// to an ECDSA-signed certificate succeeds.
func TestSelfsignEd25519BreaksSCRAM(t *testing.T) {
	for _, edDSA := range []bool{true, false} {
		t.Run("ed25519="+strconv.FormatBool(edDSA), func(t *testing.T) {
			c := pgtest.NewCluster(t, pgtest.Options{})
			args := []string{"selfsign", "-D", c.DataDir, "--host", "localhost"}
			if edDSA {
				if r := pgcert(t, append(args, "--type", "ed25519")...); r.Code != 1 || !strings.Contains(r.Stderr, "could not find digest for NID UNDEF") {
					t.Fatalf("without --force: exit %d\n%s", r.Code, r.Stderr)
				}
				args = append(args, "--type", "ed25519", "--force")
			}
			r := pgcert(t, args...)
			if r.Code != 0 {
				t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
			}
			c.AppendConf(t, "ssl = on", "password_encryption = 'scram-sha-256'")
			c.SetHBA(t, "hostssl all alice 127.0.0.1/32 scram-sha-256", "hostssl all all 127.0.0.1/32 trust")
			c.MustStart(t)
			c.SQL(t, "CREATE ROLE alice LOGIN PASSWORD 'secret1'")

			if out, stderr, err := c.Psql(c.ConnInfo("sslmode=require"), "select ssl from pg_stat_ssl where pid = pg_backend_pid()"); err != nil || out != "t\n" {
				t.Fatalf("trust login over SSL: %v %q\n%s", err, out, stderr)
			}
			out, stderr, err := c.Psql(c.ConnInfo("sslmode=require", "user=alice", "password=secret1"), "select current_user")
			if edDSA {
				if err == nil || !strings.Contains(stderr, "could not find digest for NID UNDEF") {
					t.Errorf("SCRAM login over SSL to an EdDSA-signed certificate: %v %q\n%s", err, out, stderr)
				}
			} else if err != nil || out != "alice\n" {
				t.Errorf("SCRAM login over SSL: %v %q\n%s", err, out, stderr)
			}

			p := pgcert(t, "probe", "127.0.0.1:"+strconv.Itoa(c.Port()), "--sslmode", "require")
			reported := strings.Contains(p.Stdout, "could not find digest for NID UNDEF")
			if reported != edDSA || (p.Code == 1) != edDSA {
				t.Errorf("probe: exit %d\n%s%s", p.Code, p.Stdout, p.Stderr)
			}
		})
	}
}
