package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// StagingPrefix starts the name of every staging directory pgcert makes inside a
// directory another user owns, so that a killed run's leftover is recognisable.
const StagingPrefix = ".pgcert-stage-"

// Staging is a private directory made by the running user inside a directory that
// someone else may own and write (a data directory): mode 0700 and owned by the
// running user, so that the parent's owner cannot put, swap or read anything in it.
// The owner may still rename or remove the directory's name in the parent, but every
// file is created, written and installed through descriptors (Create, Install), so
// such a move changes nothing pgcert writes or where it installs it. A staging
// directory holds a lock for as long as it is open, so that RemoveStaleStaging tells
// a killed run's leftover from a live run's.
type Staging struct {
	*Dir
	parent *Dir
	name   string
}

// Test hook: runs between the mkdir of a staging directory and its open, where the
// parent's owner could swap it.
var testHookAfterMkdir func(parent *Dir, name string)

// MkdirStaging makes a new staging directory in parent. It refuses what it finds
// under the name it made if that is not a directory owned by the running user with
// mode 0700 (the parent's owner swapped it between mkdir and open).
func (parent *Dir) MkdirStaging() (*Staging, error) {
	for range 100 {
		name := StagingPrefix + randomSuffix()
		full := filepath.Join(parent.path, name)
		err := ignoringEINTR(func() error { return unix.Mkdirat(int(parent.f.Fd()), name, 0o700) })
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return nil, &WriteError{Path: full, Op: "creating", Err: err}
		}
		if testHookAfterMkdir != nil {
			testHookAfterMkdir(parent, name)
		}
		d, err := parent.OpenDir(name)
		if err != nil {
			return nil, &WriteError{Path: full, Op: "opening", Err: err}
		}
		var st unix.Stat_t
		if err := unix.Fstat(int(d.f.Fd()), &st); err != nil {
			d.Close()
			return nil, &WriteError{Path: full, Op: "opening", Err: err}
		}
		if st.Uid != uint32(os.Geteuid()) || st.Mode&0o7077 != 0 {
			d.Close()
			return nil, &WriteError{Path: full, Op: "opening", Err: fmt.Errorf("replaced by another directory (owner %d, mode %04o) before it was opened", st.Uid, st.Mode&0o7777)}
		}
		// mkdir's 0700 was narrowed by the umask; the owner's bits are needed
		// to write in it, and fchmod sets them on the directory checked above.
		if err := d.f.Chmod(0o700); err != nil {
			d.Close()
			return nil, &WriteError{Path: full, Op: "setting the mode of", Err: err}
		}
		if err := holdShared(d.f); err != nil {
			d.Close()
			return nil, &WriteError{Path: full, Op: "locking", Err: err}
		}
		return &Staging{Dir: d, parent: parent, name: name}, nil
	}
	return nil, &WriteError{Path: parent.path, Op: "creating a staging directory in", Err: errors.New("no free name")}
}

// Name is the staging directory's name in its parent.
func (s *Staging) Name() string { return s.name }

// Create creates the new file name in the staging directory with mode (set exactly,
// whatever the umask) and, when chown is set, gives it to uid:gid by descriptor
// before the first byte is written.
func (s *Staging) Create(name string, mode fs.FileMode, chown bool, uid, gid int) (*os.File, error) {
	full := filepath.Join(s.path, name)
	if !filepath.IsLocal(name) || strings.ContainsRune(name, filepath.Separator) {
		return nil, &WriteError{Path: full, Op: "creating", Err: ErrEscapes}
	}
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Openat(int(s.f.Fd()), name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(mode.Perm()))
		return err
	})
	if err != nil {
		return nil, &WriteError{Path: full, Op: "creating", Err: err}
	}
	f := os.NewFile(uintptr(fd), full)
	if err := f.Chmod(mode.Perm()); err != nil {
		f.Close()
		return nil, &WriteError{Path: full, Op: "setting the mode of", Err: err}
	}
	if chown {
		if err := f.Chown(uid, gid); err != nil {
			f.Close()
			return nil, &WriteError{Path: full, Op: "setting the owner of", Err: err}
		}
	}
	return f, nil
}

// Install renames the staged file name over dstName in dst, both relative to their
// directories' descriptors, and syncs dst.
func (s *Staging) Install(name string, dst *Dir, dstName string) error {
	full := filepath.Join(dst.path, dstName)
	if !filepath.IsLocal(dstName) {
		return &WriteError{Path: full, Op: "replacing", Err: ErrEscapes}
	}
	err := ignoringEINTR(func() error { return unix.Renameat(int(s.f.Fd()), name, int(dst.f.Fd()), dstName) })
	if err != nil {
		return &WriteError{Path: full, Op: "replacing", Err: err}
	}
	dst.f.Sync()
	return nil
}

// Remove removes the staging directory and what is left in it, by descriptor, and
// closes it.
func (s *Staging) Remove() error {
	defer s.Close()
	return removeStaging(s.parent, s.name, s.Dir)
}

// removeStaging empties d (a staging directory, which holds only files) and removes
// its name from parent if that name still refers to d.
func removeStaging(parent *Dir, name string, d *Dir) error {
	names, err := d.f.Readdirnames(-1)
	if _, serr := d.f.Seek(0, 0); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		return &WriteError{Path: d.path, Op: "removing", Err: err}
	}
	for _, n := range names {
		if err := unix.Unlinkat(int(d.f.Fd()), n, 0); err != nil && !errors.Is(err, unix.ENOENT) {
			return &WriteError{Path: filepath.Join(d.path, n), Op: "removing", Err: err}
		}
	}
	var held, named unix.Stat_t
	if err := unix.Fstat(int(d.f.Fd()), &held); err != nil {
		return &WriteError{Path: d.path, Op: "removing", Err: err}
	}
	if err := unix.Fstatat(int(parent.f.Fd()), name, &named, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		// The name is gone (moved by the parent's owner): the directory, now
		// empty, is theirs to see, and holds nothing.
		return nil
	}
	if held.Dev != named.Dev || held.Ino != named.Ino {
		return nil
	}
	if err := unix.Unlinkat(int(parent.f.Fd()), name, unix.AT_REMOVEDIR); err != nil && !errors.Is(err, unix.ENOENT) {
		return &WriteError{Path: d.path, Op: "removing", Err: err}
	}
	parent.f.Sync()
	return nil
}

// RemoveStaleStaging removes the staging directories killed runs left in parent
// (with the files in them, such as a private key that must not stay in a data
// directory to be copied by pg_basebackup) and returns their paths. A directory a
// live run holds is kept, and so is one that is not the running user's (the
// parent's owner may name a directory anything; pgcert only removes its own).
func RemoveStaleStaging(parent *Dir) ([]string, error) {
	names, err := parent.f.Readdirnames(-1)
	if _, serr := parent.f.Seek(0, 0); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		return nil, &WriteError{Path: parent.path, Op: "listing", Err: err}
	}
	var removed []string
	for _, n := range names {
		if !strings.HasPrefix(n, StagingPrefix) {
			continue
		}
		d, err := parent.OpenDir(n)
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(int(d.f.Fd()), &st) != nil || st.Uid != uint32(os.Geteuid()) || st.Mode&0o077 != 0 {
			d.Close()
			continue
		}
		if flock(int(d.f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
			d.Close()
			continue
		}
		err = removeStaging(parent, n, d)
		d.Close()
		if err != nil {
			return removed, err
		}
		removed = append(removed, d.path)
	}
	return removed, nil
}
