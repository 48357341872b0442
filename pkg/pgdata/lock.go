package pgdata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// LockWait bounds how long LockDataDir waits for another run to finish with the
// data directory. Every pgcert command that writes there takes well under a second,
// and a renewal that reloads waits at most --wait (30 seconds by default) for the
// server; a lock held longer is held by something stuck, and a timer's run had
// better fail and say so than hang.
const LockWait = 2 * time.Minute

// lockPoll is how often a waiting run tries the lock again.
const lockPoll = 20 * time.Millisecond

// LockTimeoutError is LockDataDir giving up after LockWait.
type LockTimeoutError struct {
	Dir    string
	Waited time.Duration
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("another pgcert run has held %s for over %v", e.Dir, e.Waited)
}

// LockDataDir takes an exclusive flock on the data directory dir itself, for the
// whole of a command that writes in it (init, selfsign -D, perms fix, renew, a CRL
// written there): two runs at once, such as a timer's renew beside an admin's
// --rekey or init --force, would otherwise each plan on the files as they were and
// install a certificate and a key that do not belong together, and PostgreSQL
// would refuse to start. The lock is on the directory's descriptor, not on a file
// in it: there is nothing to create, so nothing left behind, nothing the
// directory's owner could plant a link at, and the kernel drops it when the run
// dies. A link to the directory is followed: locking writes nothing, and two runs
// naming one directory by different paths must lock the same one.
//
// When another run holds it, waiting (if not nil) is told once with a message to
// show, and LockDataDir waits up to LockWait, then fails with *LockTimeoutError.
// flock locks belong to the open file, so a process that takes the lock twice
// waits for itself: take it once per command. release ends it.
func LockDataDir(dir string, waiting func(msg string)) (release func(), err error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	fd := int(f.Fd())
	err = flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		if waiting != nil {
			waiting(fmt.Sprintf("waiting for another pgcert run to finish with %s", dir))
		}
		deadline := time.NewTimer(LockWait)
		defer deadline.Stop()
		tick := time.NewTicker(lockPoll)
		defer tick.Stop()
		for errors.Is(err, syscall.EWOULDBLOCK) {
			select {
			case <-deadline.C:
				f.Close()
				return nil, &LockTimeoutError{Dir: dir, Waited: LockWait}
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

// LockEnclosingDataDir takes LockDataDir on the data directory that path (a file
// or directory to be written, which need not exist) lies in: the closest directory
// at or above it holding a PG_VERSION file. Outside a data directory there is
// nothing to lock: release does nothing and dataDir is "".
func LockEnclosingDataDir(path string, waiting func(msg string)) (release func(), dataDir string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Lstat(filepath.Join(d, "PG_VERSION")); err == nil && fi.Mode().IsRegular() {
			release, err := LockDataDir(d, waiting)
			return release, d, err
		}
		if d == filepath.Dir(d) {
			return func() {}, "", nil
		}
	}
}

func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
