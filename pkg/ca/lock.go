package ca

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// lockDir takes the exclusive lock of a CA directory: flock on dir/pgcert.lock,
// waiting for another pgcert run to finish. Every change to the directory (issue,
// revoke, CRL) happens under it, so concurrent runs never read the index while another
// run is between drawing a serial and recording it. flock locks belong to the open
// file, so two opens in one process exclude each other too, and the kernel drops the
// lock when a process dies: a crashed run never leaves the CA locked. openssl ca takes
// no lock at all; running it at the same time as pgcert is not safe.
//
// waiting, when not nil, is called once if the lock is held by someone else, before
// waiting for it.
func lockDir(dir string, waiting func()) (unlock func(), err error) {
	// Nothing, not even the lock file, goes into a directory reached through a link
	// another user planted in /tmp or the like.
	if err := fsutil.CheckDir(dir); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ca: locking %s: %w", dir, err)
	}
	fd := int(f.Fd())
	err = flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		if waiting != nil {
			waiting()
		}
		err = flock(fd, syscall.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ca: locking %s: %w", filepath.Join(dir, LockFile), err)
	}
	return func() {
		flock(fd, syscall.LOCK_UN)
		f.Close()
	}, nil
}

func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// lockDirForRead takes the lock for a run that only reads the directory. Where it
// may, it takes the exclusive lock of lockDir (writable is then true, and the caller
// repairs what an interrupted run left, as every locked run does). On a directory it
// may not write (a read-only filesystem, a CA of another user), where lockDir cannot
// create pgcert.lock, it takes a shared lock on an existing pgcert.lock when it can
// open it, which waits for a writer to finish, and otherwise nothing: it then reads a
// snapshot that no repair made consistent, and callers read only complete lines of
// the index (see scanIndexSnapshot).
func lockDirForRead(dir string, waiting func()) (unlock func(), writable bool, err error) {
	unlock, err = lockDir(dir, waiting)
	if err == nil {
		return unlock, true, nil
	}
	if !errors.Is(err, syscall.EROFS) && !errors.Is(err, syscall.EACCES) && !errors.Is(err, syscall.EPERM) {
		return nil, false, err
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return func() {}, false, nil
	}
	fd := int(f.Fd())
	err = flock(fd, syscall.LOCK_SH|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		if waiting != nil {
			waiting()
		}
		err = flock(fd, syscall.LOCK_SH)
	}
	if err != nil {
		f.Close()
		return func() {}, false, nil
	}
	return func() {
		flock(fd, syscall.LOCK_UN)
		f.Close()
	}, false, nil
}
