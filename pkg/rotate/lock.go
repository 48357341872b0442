package rotate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// lockWait bounds how long a run waits for another to finish with the data
// directory. A renewal takes well under a second, and one that reloads waits at most
// --wait (30 seconds by default) for the server; a lock held longer is held by
// something stuck, and a timer's run had better fail and say so than hang.
const lockWait = 2 * time.Minute

// lockPoll is how often a waiting run tries the lock again.
const lockPoll = 20 * time.Millisecond

// lockDataDir takes an exclusive flock on the data directory itself, for the whole of
// a renewal or a rollback: two runs at once (a timer's beside an admin's --rekey)
// would otherwise each plan on the files as they were and install a certificate and
// a key that do not belong together. The lock is on the directory's descriptor, not
// on a file in it: there is nothing to create, so nothing left behind, nothing the
// directory's owner could plant a link at, and the kernel drops it when the run
// dies. release ends it.
func lockDataDir(dir string, info func(string)) (release func(), err error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	fd := int(f.Fd())
	err = flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		info(fmt.Sprintf("waiting for another pgcert run to finish with %s", dir))
		deadline := time.NewTimer(lockWait)
		defer deadline.Stop()
		tick := time.NewTicker(lockPoll)
		defer tick.Stop()
		for errors.Is(err, syscall.EWOULDBLOCK) {
			select {
			case <-deadline.C:
				f.Close()
				return nil, failf([]string{"rerun when the other run is done; a run holds the lock only while it works, and loses it when it ends"},
					"another pgcert run has held %s for over %v", dir, lockWait)
			case <-tick.C:
				err = flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
			}
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
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
	if err := flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, err
	}
	return removeStaleStages(dir)
}
