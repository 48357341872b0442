package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// ErrEscapes marks a name that leaves the directory it is opened relative to (an
// absolute path, or one through "..") or passes through a symbolic link.
var ErrEscapes = errors.New("leaves the directory or passes through a symbolic link")

// Dir is an open directory, such as a data directory, in which files are opened by
// name relative to its descriptor, never through a symbolic link and never outside
// it. Whatever the directory's owner does to the names inside it while pgcert runs
// (a link planted at server.key, a subdirectory swapped for a link to /etc), a name
// opened through Dir is a file beneath the directory that was opened, reached
// without following any link.
type Dir struct {
	f    *os.File
	path string
	uid  uint32
	// anyOwner lifts the fallback's ownership rule for directories on the way, for
	// the walk from / of OpenTarget, where every directory of the system may be.
	anyOwner bool
}

// OpenDir opens the directory at path. The path itself is followed as given: the
// admin named it (on the command line, or as the data directory), and links above a
// data directory belong to root.
func OpenDir(path string) (*Dir, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return newDir(fd, path)
}

func newDir(fd int, path string) (*Dir, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	return &Dir{f: os.NewFile(uintptr(fd), path), path: path, uid: st.Uid}, nil
}

// Path is the directory's path as it was opened.
func (d *Dir) Path() string { return d.path }

// File is the directory's descriptor, for Stat, Chmod and Chown on the directory
// itself.
func (d *Dir) File() *os.File { return d.f }

// Close closes the directory.
func (d *Dir) Close() error { return d.f.Close() }

// OpenRegular opens the regular file name (relative, without "..") beneath d for
// reading, following no symbolic link on the way, with the kind checks of the
// package-level OpenRegular: a FIFO, device or socket is refused at once.
func (d *Dir) OpenRegular(name string) (*os.File, error) {
	fd, err := d.openBeneath(name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY)
	if err != nil {
		return nil, err
	}
	return regularFile(fd, filepath.Join(d.path, name))
}

// OpenDir opens the directory name beneath d, following no symbolic link.
func (d *Dir) OpenDir(name string) (*Dir, error) {
	fd, err := d.openBeneath(name, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	return newDir(fd, filepath.Join(d.path, name))
}

// Test hook: the openat2 system call, which a test replaces to take the fallback.
var openat2 = unix.Openat2

// noOpenat2 is set once openat2 returned ENOSYS (Linux before 5.6, or a seccomp
// filter that does not know it): later opens go straight to the fallback.
var noOpenat2 atomic.Bool

// openBeneath opens name relative to d with flags (O_CLOEXEC and O_NOFOLLOW added):
// with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) where the kernel has it, else
// one component at a time with O_NOFOLLOW.
func (d *Dir) openBeneath(name string, flags int) (int, error) {
	full := filepath.Join(d.path, name)
	if filepath.IsAbs(name) || !filepath.IsLocal(name) {
		return -1, &fs.PathError{Op: "open", Path: full, Err: ErrEscapes}
	}
	flags |= unix.O_CLOEXEC | unix.O_NOFOLLOW
	if !noOpenat2.Load() {
		how := &unix.OpenHow{Flags: uint64(flags), Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
		for range 16 {
			fd, err := openat2(int(d.f.Fd()), name, how)
			switch {
			case err == nil:
				return fd, nil
			case errors.Is(err, unix.ENOSYS):
				noOpenat2.Store(true)
				return d.openComponents(name, flags)
			case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
				// EAGAIN: a rename raced with the lookup; the kernel asks
				// for a retry rather than risk an escape.
				continue
			case errors.Is(err, unix.ELOOP), errors.Is(err, unix.EXDEV), d.linkAt(name, err):
				return -1, &fs.PathError{Op: "open", Path: full, Err: ErrEscapes}
			default:
				return -1, &fs.PathError{Op: "open", Path: full, Err: err}
			}
		}
		return -1, &fs.PathError{Op: "open", Path: full, Err: unix.EAGAIN}
	}
	return d.openComponents(name, flags)
}

// openComponents is openBeneath without openat2: each directory on the way is opened
// with O_NOFOLLOW|O_DIRECTORY relative to the one before, so that no link is followed
// and "..", refused above, cannot climb out. A directory on the way must belong to
// root, to the running user or to the owner of d: a directory of another user inside
// a data directory is not the data directory's.
func (d *Dir) openComponents(name string, flags int) (int, error) {
	full := filepath.Join(d.path, name)
	parts := strings.Split(filepath.Clean(name), string(filepath.Separator))
	cur := int(d.f.Fd())
	closeCur := func() {
		if cur != int(d.f.Fd()) {
			unix.Close(cur)
		}
	}
	defer closeCur()
	for i, p := range parts {
		last := i == len(parts)-1
		fl := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if last {
			fl = flags
		}
		var fd int
		err := ignoringEINTR(func() (err error) {
			fd, err = unix.Openat(cur, p, fl, 0)
			return err
		})
		if errors.Is(err, unix.ELOOP) || (errors.Is(err, unix.ENOTDIR) && !last) || (last && d.linkAt(name, err)) {
			return -1, &fs.PathError{Op: "open", Path: full, Err: ErrEscapes}
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: full, Err: err}
		}
		if !last {
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err != nil {
				unix.Close(fd)
				return -1, &fs.PathError{Op: "stat", Path: full, Err: err}
			}
			if !d.anyOwner && st.Uid != 0 && st.Uid != uint32(os.Geteuid()) && st.Uid != d.uid {
				unix.Close(fd)
				return -1, &fs.PathError{Op: "open", Path: full,
					Err: fmt.Errorf("directory %s belongs to user %d, neither root nor the owner of %s", p, st.Uid, d.path)}
			}
		}
		closeCur()
		cur = fd
		if last {
			// Handed over: the deferred close must leave it open.
			fd, cur = cur, int(d.f.Fd())
			return fd, nil
		}
	}
	return -1, &fs.PathError{Op: "open", Path: full, Err: fs.ErrInvalid}
}

// linkAt reports whether err, from opening name with O_DIRECTORY|O_NOFOLLOW, came
// from a symbolic link at name (the kernel then says ENOTDIR rather than ELOOP).
func (d *Dir) linkAt(name string, err error) bool {
	if !errors.Is(err, unix.ENOTDIR) {
		return false
	}
	var st unix.Stat_t
	return unix.Fstatat(int(d.f.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
}

// Symlink makes name (one path component) in d a symbolic link to target, through
// d's descriptor (symlinkat): the directory it lands in is the one opened, even if
// its path was swapped since.
func (d *Dir) Symlink(target, name string) error {
	if err := unix.Symlinkat(target, int(d.f.Fd()), name); err != nil {
		return &fs.PathError{Op: "symlink", Path: filepath.Join(d.path, name), Err: err}
	}
	return nil
}

// Link makes name (one path component) in d a hard link to the regular file src
// names beneath from, through both directories' descriptors (linkat, following no
// link at src).
func (d *Dir) Link(from *Dir, src, name string) error {
	if err := unix.Linkat(int(from.f.Fd()), src, int(d.f.Fd()), name, 0); err != nil {
		return &fs.PathError{Op: "link", Path: filepath.Join(d.path, name), Err: err}
	}
	return nil
}
