package pgdata

import (
	"fmt"

	"github.com/pgcert/pgcert/pkg/hint"
)

// ReadHints says how to run pgcert so that it can read a data directory, which
// belongs to the database user with mode 0700.
func ReadHints(dir string) []string {
	return []string{fmt.Sprintf("run pgcert as root or as the database user, e.g. sudo -u postgres pgcert ... -D %s", dir)}
}

// Explain is the error for a person: what stopped ReadSetup, with the advice
// that fits its Kind (which directory to give, whom to run as).
func (e *SetupError) Explain() error {
	switch e.Kind {
	case SetupNoDir:
		return hint.Errorf([]string{"give the data directory with -D, the directory that holds PG_VERSION"}, "%s", e)
	case SetupDenied:
		if e.Path != e.Dir {
			return hint.Errorf(ReadHints(e.Dir), "%s: permission denied: pgcert cannot read the server's configuration", e.Path)
		}
		return hint.Errorf(ReadHints(e.Dir), "%s", e)
	case SetupNoConfig:
		return hint.Errorf([]string{
			"give the data directory (the one with PG_VERSION) or the directory that holds postgresql.conf",
		}, "%s", e)
	case SetupUnreadable:
		if e.Path != e.Dir {
			return hint.Errorf(nil, "%s", e)
		}
	}
	return e.Err
}
