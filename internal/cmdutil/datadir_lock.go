package cmdutil

import (
	"errors"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// lockHint is what to do when another run holds a data directory too long.
const lockHint = "rerun when the other run is done; a run holds the lock only while it works, and loses it when it ends"

// LockDataDir takes the data directory's lock (pgdata.LockDataDir) for a command
// that writes in dir, saying on stderr when it waits for another run, and then
// completes a change a killed renew left halfway (rotate.Recover): whatever the
// command writes next must not be overwritten by a later renew replaying it.
func (f *Factory) LockDataDir(dir string) (release func(), err error) {
	return rotate.LockForWriting(dir, keyperm.SystemLookup{}, func(msg string) { f.Infof("%s", msg) }, func(msg string) { f.Warnf("%s", msg) })
}

// LockOutputDataDir takes the lock of the data directory that path, a file or
// directory about to be written, lies in; outside a data directory it takes none.
func (f *Factory) LockOutputDataDir(path string) (release func(), err error) {
	if path == "" || path == "-" {
		return func() {}, nil
	}
	release, _, err = pgdata.LockEnclosingDataDir(path, func(msg string) { f.Infof("%s", msg) })
	return release, lockError(err)
}

func lockError(err error) error {
	var te *pgdata.LockTimeoutError
	if errors.As(err, &te) {
		return hint.With(err, lockHint)
	}
	return err
}
