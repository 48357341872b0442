package cmdutil

import (
	"errors"

	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// ReadServerSetup reads the data directory dir as pgdata.ReadSetup does and turns
// what stops it into an error with the advice that fits.
func ReadServerSetup(dir string, lookup keyperm.Lookup) (*pgdata.Setup, error) {
	s, err := pgdata.ReadSetup(dir, lookup)
	if s != nil && s.Dir != nil {
		RemoveRenewLeftovers(s.Dir.Dir)
	}
	var se *pgdata.SetupError
	if errors.As(err, &se) {
		return nil, se.Explain()
	}
	return s, err
}
