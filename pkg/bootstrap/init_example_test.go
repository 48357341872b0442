package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
)

// Init does all of `pgcert init`: here it creates a CA beside the data
// directory, then writes the server's files and alice's bundle.
func ExampleInit() {
	dir, _, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	r, err := bootstrap.Init(bootstrap.InitOptions{
		DataDir: filepath.Join(dir, "pgdata"), Hosts: []string{"db.example.com"}, Clients: []string{"alice"}, Days: 365,
		CADir:    func(dataDir string) (string, error) { return filepath.Join(dir, "newca"), nil },
		CreateCA: func(caDir, dataDir string) (*ca.CA, error) { return ca.Create(caDir, ca.CreateOptions{Now: now}) },
		Now:      func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("CA created:", r.CA.Created)
	for _, f := range r.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		fmt.Println(rel)
	}
	// Output:
	// CA created: true
	// pgdata/server.key
	// pgdata/server.crt
	// pgdata/root.crt
	// pgdata/root.crl
	// pgdata/pgcert-ca.conf
	// newca/clients/alice/postgresql.crt
	// newca/clients/alice/postgresql.key
	// newca/clients/alice/root.crt
}

// CheckRoles refuses a role that would name another directory than its bundle's.
func ExampleCheckRoles() {
	fmt.Println(bootstrap.CheckRoles([]string{"alice", "../bob"}, "--clients-dir", "role %s is given twice"))
	// Output: role "../bob" cannot name a bundle directory; give the directory with --clients-dir
}
