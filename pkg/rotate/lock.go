package rotate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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
// left in the data directory, and returns their paths. Only a renewal holding the
// directory's lock stages, so under the lock every one found is stale; each may hold
// a private key, which must not stay where pg_basebackup copies it to every replica
// and backup. Only directories of the running user's are removed: the data
// directory's owner may name anything so, and pgcert removes only what it made.
func removeStaleStages(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, name := range names {
		if !strings.HasPrefix(name, StagePrefix) {
			continue
		}
		p := filepath.Join(dir, name)
		var st syscall.Stat_t
		if syscall.Lstat(p, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFDIR || st.Uid != uint32(os.Geteuid()) {
			continue
		}
		// RemoveAll unlinks links without following them, working from
		// descriptors of the directories it empties.
		if err := os.RemoveAll(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// RemoveStaleStages removes what killed renewals left in the data directory dir:
// their staging directories, each of which may hold a new private key. Every pgcert
// command that works on a data directory calls it, so that such a key never outlives
// the next run (pg_basebackup would copy it to every replica and backup). It takes
// the data directory's lock without waiting: when a renewal holds it, the stages
// are that run's, and it removes them itself. It returns the paths removed.
func RemoveStaleStages(dir string) ([]string, error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, err
	}
	return removeStaleStages(dir)
}

// RemoveStaleStagesHeld is RemoveStaleStages for a caller that holds the data
// directory's lock (pgdata.LockDataDir) itself: a second lock on the directory from
// the same process would not be granted, and the stages would be left.
func RemoveStaleStagesHeld(dir string) ([]string, error) {
	return removeStaleStages(dir)
}
