package cli

import (
	"errors"

	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// serverSetup is pgdata's: the commands share one reading of a data directory with
// the library.
type serverSetup = pgdata.Setup

// readServerSetup reads the data directory dir as pgdata.ReadSetup does and turns
// what stops it into an error with the advice that fits.
func readServerSetup(dir string, lookup keyperm.Lookup) (*serverSetup, error) {
	s, err := pgdata.ReadSetup(dir, lookup)
	if s != nil && s.Dir != nil {
		removeRenewLeftovers(s.Dir.Dir)
	}
	var se *pgdata.SetupError
	if errors.As(err, &se) {
		return nil, se.Explain()
	}
	return s, err
}
