package chain

import (
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestHostCasesAgainstLibpq serves each certificate of the shared host-name table from
// a real PostgreSQL server and connects to it with psql (sslmode=verify-full,
// host=<case host>, hostaddr=127.0.0.1), so the table's answers are libpq's, not only
// a reading of its source.
func TestHostCasesAgainstLibpq(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	ca := testpki.Root(t, "Host Test CA")
	first := testpki.HostCases[0].Make(t, ca)
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, first.PEM(), first.KeyPEM(t))
	c.MustStart(t)
	rootFile := c.ClientFile(t, "root.crt", ca.PEM(), 0o644)

	for _, hc := range testpki.HostCases {
		t.Run(hc.Name, func(t *testing.T) {
			leaf := hc.Make(t, ca)
			c.WriteFile(t, "server.crt", leaf.PEM(), 0o644)
			c.WriteFile(t, "server.key", leaf.KeyPEM(t), 0o600)
			if err := c.Reload(); err != nil {
				t.Fatal(err)
			}
			_, stderr, err := c.Psql(c.ConnInfo("host="+hc.Host, "sslmode=verify-full", "sslrootcert="+rootFile), "select 1")
			switch {
			case hc.Err == "" && err != nil:
				t.Errorf("libpq refuses host %q: %v\n%s", hc.Host, err, stderr)
			case hc.Err != "" && err == nil:
				t.Errorf("libpq accepts host %q, the table says %q", hc.Host, hc.Err)
			case hc.Err != "" && !strings.Contains(stderr, hc.Err):
				t.Errorf("libpq says:\n%s\nthe table says:\n%s", strings.TrimSpace(stderr), hc.Err)
			}
		})
	}
}
