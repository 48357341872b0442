package doctor_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func ExamplePermTargets() {
	dir, err := os.MkdirTemp("", "pgdata")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "postgresql.conf"), []byte("ssl = on\nssl_crl_dir = 'crl'\n"), 0o600)
	os.Mkdir(filepath.Join(dir, "crl"), 0o755)
	os.WriteFile(filepath.Join(dir, "crl", "119708d0.r0"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "crl", "README"), nil, 0o644)
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		panic(err)
	}
	for _, t := range doctor.PermTargets(s) {
		fmt.Println(t.Name, t.Kind)
	}
	// Output:
	// server.crt server-certificate
	// server.key server-key
	// crl crl-directory
	// crl/119708d0.r0 crl-directory-entry
}
