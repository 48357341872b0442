package pgdata_test

import (
	"os"

	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/style"
)

func ExampleCertAuthCheck_WriteText() {
	a := &pgdata.CertAuthCheck{Role: "app", ClientName: "CN", CertAuth: pgdata.CertAuth{
		Name:   "db.example.com",
		Client: `FATAL:  certificate authentication failed for user "app"`,
		Log:    `provided user name (app) and authenticated user name (db.example.com) do not match`,
	}}
	a.WriteText(os.Stdout, style.Plain)
	// Output:
	// cert login as app: refused, its Common Name "db.example.com"
	//   psql:    FATAL:  certificate authentication failed for user "app"
	//   server:  LOG:  provided user name (app) and authenticated user name (db.example.com) do not match
}
