package chain

import (
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestRootsFileWithPostgreSQL uses bundles written by Roots.PEM, comment lines and all,
// as libpq's sslrootcert and as the server's ssl_ca_file, and connects with a client
// certificate: both sides must read them.
func TestRootsFileWithPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	serverRoot := testpki.Root(t, "Server Root")
	inter := serverRoot.Intermediate(t, "Server Inter")
	leaf := inter.Server(t, "db.pgcert.test")
	clientRoot := testpki.Root(t, "Client Root")
	client := clientRoot.Client(t, pgtest.Superuser)
	unrelated := testpki.Root(t, "Unrelated Root")

	bundle := func(cs ...*testpki.Cert) []byte {
		r, err := BuildRoots(ins(cs...), RootsOptions{Now: testpki.Now})
		if err != nil {
			t.Fatal(err)
		}
		return r.PEM()
	}
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, testpki.Bundle(leaf, inter), leaf.KeyPEM(t))
	c.WriteFile(t, "root.crt", bundle(unrelated, clientRoot), 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'")
	c.SetHBA(t, "hostssl all all 127.0.0.1/32 cert")
	c.MustStart(t)

	rootFile := c.ClientFile(t, "root.crt", bundle(unrelated, serverRoot), 0o644)
	cert := c.ClientFile(t, "client.crt", client.PEM(), 0o644)
	key := c.ClientFile(t, "client.key", client.KeyPEM(t), 0o600)
	out, stderr, err := c.Psql(c.ConnInfo("host=db.pgcert.test", "sslmode=verify-full", "sslrootcert="+rootFile, "sslcert="+cert, "sslkey="+key), "select 1")
	if err != nil || out != "1\n" {
		t.Fatalf("connection with commented bundles: %q, %v\n%s", out, err, stderr)
	}
}
