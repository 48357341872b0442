package cli

import (
	"errors"
	"fmt"

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
	if err == nil || !errors.As(err, &se) {
		return s, err
	}
	switch se.Kind {
	case pgdata.SetupNoDir:
		return nil, failf([]string{"give the data directory with -D, the directory that holds PG_VERSION"}, "%s", se)
	case pgdata.SetupDenied:
		if se.Path != se.Dir {
			return nil, failf(readHints(se.Dir), "%s: permission denied: pgcert cannot read the server's configuration", se.Path)
		}
		return nil, failf(readHints(se.Dir), "%s", se)
	case pgdata.SetupNoConfig:
		return nil, failf([]string{
			"give the data directory (the one with PG_VERSION) or the directory that holds postgresql.conf",
		}, "%s", se)
	case pgdata.SetupUnreadable:
		if se.Path != se.Dir {
			return nil, failf(nil, "%s", se)
		}
	}
	return nil, se.Err
}

// readHints says how to run pgcert so that it can read a data directory, which
// belongs to the database user with mode 0700.
func readHints(dir string) []string {
	return []string{fmt.Sprintf("run pgcert as root or as the database user, e.g. sudo -u postgres pgcert ... -D %s", dir)}
}

// userLabel names a user in findings and output: keyperm's words.
var userLabel = keyperm.Identity.Label
