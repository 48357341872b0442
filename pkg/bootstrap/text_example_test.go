package bootstrap_test

import (
	"os"

	"github.com/pgcert/pgcert/pkg/bootstrap"
)

func ExampleResult_WriteText() {
	r := &bootstrap.Result{
		DataDir: "/srv/pgdata", Version: "15",
		CA:             bootstrap.CA{Dir: "/etc/pgcert/ca"},
		Server:         bootstrap.Issued{Serial: "6F07", SANs: "DNS:db.example.com", NotAfter: "2028-03-01T00:00:00Z"},
		Files:          []bootstrap.File{{Path: "/srv/pgdata/server.key", Mode: "0600", Owner: "postgres"}},
		CRLs:           []bootstrap.CRL{{Number: "1", Issuer: "CN=Example CA", NextUpdate: "2026-02-01T00:00:00Z"}},
		PostgresqlConf: []string{"ssl = on"},
		PgHBAConf:      []string{"hostssl all all 0.0.0.0/0 scram-sha-256"},
		Clients:        []bootstrap.Client{{Role: "app", Dir: "/etc/pgcert/ca/clients/app", ConnString: "host=db.example.com sslmode=verify-full"}},
	}
	r.WriteText(os.Stdout)
	// Output:
	// /srv/pgdata is ready for ssl = on with a CA in /etc/pgcert/ca
	//   wrote /srv/pgdata/server.key (mode 0600, owner postgres)
	// server certificate 6F07 for DNS:db.example.com, until 2028-03-01
	// CRL 1 of CN=Example CA, 0 revoked, next update 2026-02-01
	//
	// postgresql.conf (PostgreSQL 15; or rerun with --configure):
	//   ssl = on
	// pg_hba.conf, before the other host lines (the first matching line wins):
	//   hostssl all all 0.0.0.0/0 scram-sha-256
	//
	// clients (create the roles first: CREATE ROLE name LOGIN):
	//   app: /etc/pgcert/ca/clients/app
	//     psql "host=db.example.com sslmode=verify-full"
}
