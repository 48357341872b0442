package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// Leftovers of killed runs. A run killed while it writes (SIGKILL, an OOM kill, a
// power cut) can leave a temporary file named .pgcert-tmp-* beside its target: a
// partial or complete copy of the new content, with the final mode (a key's is 0600,
// never more open), or a Txn's backup of the file it replaced. PostgreSQL never reads
// such a name, and no target is ever left half-written.
//
// The next pgcert run that writes into the directory removes them: every writer holds
// a shared flock on its temporary file (and a Txn on the file it backs up) from
// before the file has its name until the file is renamed or removed, and the kernel
// drops the lock when the writer dies. So a temporary file whose lock can be taken
// exclusively belongs to no live run, and goes; one that a running pgcert writes is
// left alone.

// IsTemp reports whether name (a base name) is one of pgcert's temporary files.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, tempPrefix)
}

// cleaned holds the directories this process has already cleaned: once is enough,
// since any later leftover is its own, which it removes itself.
var cleaned sync.Map

// cleanOnce removes the stale temporary files of dir, the first time this process
// writes there. Failures are ignored: a leftover is harmless, and the write that
// follows reports any real problem with the directory.
func cleanOnce(dir string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	if _, done := cleaned.LoadOrStore(abs, true); done {
		return
	}
	RemoveStale(abs)
}

// RemoveStale removes the temporary files that killed runs left in dir (see the
// package documentation) and returns their paths. Files that a live run holds are
// kept. WriteFile, WriteFileFunc and Txn call it before their first write into a
// directory; callers that must see a directory without leftovers before writing
// (such as a check that it is empty) call it themselves.
func RemoveStale(dir string) ([]string, error) {
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
		if !IsTemp(name) {
			continue
		}
		p := filepath.Join(dir, name)
		if removeIfUnlocked(p) {
			removed = append(removed, p)
		}
	}
	return removed, nil
}

// removeIfUnlocked removes the regular file at path when no process holds a lock on
// it. It locks the file exclusively while it checks that the name still refers to
// the file it locked, and removes it.
func removeIfUnlocked(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	fd := int(f.Fd())
	if err := flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false
	}
	var held, named syscall.Stat_t
	if syscall.Fstat(fd, &held) != nil || syscall.Lstat(path, &named) != nil {
		return false
	}
	if held.Mode&syscall.S_IFMT != syscall.S_IFREG || held.Dev != named.Dev || held.Ino != named.Ino {
		return false
	}
	return os.Remove(path) == nil
}

// holdShared takes a shared lock on f, which marks it as in use by a live run. It
// waits only while a cleaner holds the exclusive lock, for the few system calls it
// takes to check and remove a file.
func holdShared(f *os.File) error {
	return flock(int(f.Fd()), syscall.LOCK_SH)
}

// unlinked reports whether f no longer has a name: a cleaner removed it between its
// creation and holdShared.
func unlinked(f *os.File) bool {
	var st syscall.Stat_t
	return syscall.Fstat(int(f.Fd()), &st) == nil && st.Nlink == 0
}

func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
