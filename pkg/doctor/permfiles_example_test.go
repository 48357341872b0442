package doctor_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func ExamplePermFiles() {
	dir, err := os.MkdirTemp("", "pgdata")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "postgresql.conf"), []byte("ssl = maybe\n"), 0o600)
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		panic(err)
	}
	dd := doctor.PermFiles(s)
	fmt.Println(filepath.Base(dd.ConfigFile), len(dd.Targets), len(dd.ConfErrs))
	// Output: postgresql.conf 2 1
}
