package chain_test

import (
	"fmt"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

func ExampleRootsError() {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	leaf, _ := exampleCert("db.example.com", []string{"db.example.com"}, root, rootKey)
	_, err := chain.BuildRoots([]chain.Input{{Cert: leaf, File: "server.crt"}}, chain.RootsOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	err = chain.RootsError(err, false)
	fmt.Println(err)
	fmt.Println(err.(*hint.Error).Hints[0])
	// Output:
	// CN=db.example.com (server.crt) is not a CA certificate (keyUsage without keyCertSign): OpenSSL would not let it anchor a chain
	// give only CA certificates; a server's chain goes into server.crt with pgcert chain
}

func ExampleRootsWarning() {
	root, _ := exampleCert("Example Root", nil, nil, nil)
	roots, err := chain.BuildRoots([]chain.Input{{Cert: root, File: "root.crt"}}, chain.RootsOptions{Now: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), ExpiryWarning: 30 * 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	for _, w := range roots.Warnings {
		fmt.Println(chain.RootsWarning(w))
	}
	// Output:
	// CN=Example Root (root.crt) expires on 2027-01-01 (in 12 days): put its successor into the bundle before then
}
