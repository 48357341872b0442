package chain_test

import (
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/style"
)

func ExampleVerdict_WriteText() {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	leaf, _ := exampleCert("db.example.com", []string{"db.example.com"}, root, rootKey)
	v, err := chain.VerifyFile("server.crt", []chain.Input{{Cert: leaf, File: "server.crt"}}, chain.VerifyOptions{
		Now:     time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Roots:   []chain.Input{{Cert: root, File: "root.crt"}},
		Purpose: chain.PurposeServer,
	}, []string{"db.example.com"})
	if err != nil {
		panic(err)
	}
	v.Auth = &pgdata.CertAuthCheck{Role: "app", ClientName: "CN", CertAuth: pgdata.CertAuth{OK: true, Name: "app"}}
	v.WriteText(os.Stdout, style.Plain)
	// Output:
	// server.crt: ok, as libpq checks the server (sslmode=verify-ca or verify-full)
	//   chain:  CN=db.example.com (server.crt)
	//           CN=Example Root (root.crt)
	// host db.example.com: ok, as libpq matches it for sslmode=verify-full
	// cert login as app: ok, its Common Name "app"
}
