package pgdata_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func ExampleSetupError_Explain() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	_, err := pgdata.ReadSetup(filepath.Join(dir, "missing"), keyperm.SystemLookup{})
	var se *pgdata.SetupError
	if errors.As(err, &se) {
		var h *hint.Error
		errors.As(se.Explain(), &h)
		fmt.Println(h.Hints[0])
	}
	// Output: give the data directory with -D, the directory that holds PG_VERSION
}

func ExampleReadHints() {
	fmt.Println(pgdata.ReadHints("/srv/pg")[0])
	// Output: run pgcert as root or as the database user, e.g. sudo -u postgres pgcert ... -D /srv/pg
}
