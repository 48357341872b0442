package rotate

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// LockForWriting takes the data directory's lock (pgdata.LockDataDir) for a
// command other than renew that writes in dir, telling info when it waits for
// another run; then, under the lock, removes what killed runs left (staging
// directories and temporary files, which may hold private keys) and completes a
// change a killed renew left halfway (Recover, telling warn): whatever the command
// writes next must not be overwritten by a later renew replaying that change.
func LockForWriting(dir string, lookup keyperm.Lookup, info, warn func(string)) (release func(), err error) {
	release, err = lockDataDir(dir, info)
	if err != nil {
		return nil, err
	}
	RemoveStaleStagesHeld(dir)
	fsutil.RemoveStale(dir)
	if _, err := os.Lstat(filepath.Join(dir, JournalName)); err != nil {
		return release, nil
	}
	setup, err := pgdata.ReadSetup(dir, lookup)
	if setup != nil && setup.Dir != nil {
		// Another directory than dir when dir holds only the configuration.
		RemoveStaleStages(setup.Dir.Dir)
		fsutil.RemoveStale(setup.Dir.Dir)
	}
	var se *pgdata.SetupError
	if errors.As(err, &se) {
		err = se.Explain()
	}
	if err == nil {
		var recovered bool
		if recovered, err = Recover(setup, nil); recovered {
			warn("completed the change a killed pgcert renew left halfway in " + dir)
		}
	}
	if err != nil {
		release()
		return nil, err
	}
	return release, nil
}
