package rotate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// lockDataDir takes pgdata.LockDataDir for the whole of a renewal or a rollback,
// with hints when another run holds it too long.
func lockDataDir(dir string, info func(string)) (release func(), err error) {
	release, err = pgdata.LockDataDir(dir, info)
	var te *pgdata.LockTimeoutError
	if errors.As(err, &te) {
		return nil, withHints(err, "rerun when the other run is done; a run holds the lock only while it works, and loses it when it ends")
	}
	return release, err
}

// removeStaleStages removes the staging directories (StagePrefix) that killed runs
// left in the data directory. Only a renewal holding the directory's lock stages, so
// under the lock every one found is stale; each may hold a private key, which must
// not stay where pg_basebackup copies it to every replica and backup.
func removeStaleStages(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return err
	}
	for _, name := range names {
		if strings.HasPrefix(name, StagePrefix) {
			// RemoveAll unlinks links without following them, working from
			// descriptors of the directories it empties.
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}
