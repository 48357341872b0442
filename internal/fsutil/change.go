package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Target is a regular file or a directory opened so that its mode or owner can be
// changed through the descriptor (fchmod, fchown), never through a path that could
// lead somewhere else by the time the change is made. Stat is what fstat said when it
// was opened.
type Target struct {
	f    *os.File
	Path string
	Stat unix.Stat_t
}

// OpenTarget opens the file or directory at the absolute path for a change of mode
// or owner, following no symbolic link in any component (openat2 with
// RESOLVE_NO_SYMLINKS, or one component at a time with O_NOFOLLOW from /). Callers
// resolve the links they accept first (filepath.EvalSymlinks) and judge the
// resolved path; a link planted after that makes the open fail rather than lead
// elsewhere. Anything but a regular file or a directory is refused (*NotRegularError).
func OpenTarget(path string) (*Target, error) {
	if !filepath.IsAbs(path) {
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("not an absolute path")}
	}
	root, err := OpenDir("/")
	if err != nil {
		return nil, err
	}
	defer root.Close()
	root.anyOwner = true
	rel, err := filepath.Rel("/", filepath.Clean(path))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	t, err := root.OpenTarget(rel)
	if t != nil {
		t.Path = path
	}
	if pe, ok := err.(*NotRegularError); ok {
		pe.Path = path
	}
	return t, err
}

// OpenTarget opens the regular file or directory name beneath d for a change of
// mode or owner, following no symbolic link (see Dir).
func (d *Dir) OpenTarget(name string) (*Target, error) {
	full := filepath.Join(d.path, name)
	// O_NONBLOCK: a FIFO swapped in must not hold the open; fstat then refuses it.
	fd, err := d.openBeneath(name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY)
	if err != nil {
		return nil, err
	}
	t := &Target{Path: full}
	if err := unix.Fstat(fd, &t.Stat); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: full, Err: err}
	}
	if k := t.Stat.Mode & unix.S_IFMT; k != unix.S_IFREG && k != unix.S_IFDIR {
		unix.Close(fd)
		return nil, &NotRegularError{Path: full, Kind: kindOfStat(t.Stat.Mode)}
	}
	t.f = os.NewFile(uintptr(fd), full)
	return t, nil
}

// IsDir reports whether the target is a directory.
func (t *Target) IsDir() bool { return t.Stat.Mode&unix.S_IFMT == unix.S_IFDIR }

// Chmod sets the target's permission bits through its descriptor.
func (t *Target) Chmod(mode fs.FileMode) error {
	if err := ignoringEINTR(func() error { return unix.Fchmod(int(t.f.Fd()), uint32(mode.Perm())) }); err != nil {
		return &fs.PathError{Op: "chmod", Path: t.Path, Err: err}
	}
	return nil
}

// Chown gives the target to uid:gid through its descriptor.
func (t *Target) Chown(uid, gid int) error {
	if err := ignoringEINTR(func() error { return unix.Fchown(int(t.f.Fd()), uid, gid) }); err != nil {
		return &fs.PathError{Op: "chown", Path: t.Path, Err: err}
	}
	return nil
}

// Close closes the target's descriptor.
func (t *Target) Close() error { return t.f.Close() }

// SetBeneath gives the entry name of the directory dir the mode, and, when chown is
// set, the owner uid:gid, through a descriptor opened beneath dir without following
// links (Dir.OpenTarget): for the directories pgcert has just made, which another user
// who can write their parent could otherwise swap for a link before the change.
func SetBeneath(dir, name string, mode fs.FileMode, chown bool, uid, gid int) error {
	d, err := OpenDir(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	t, err := d.OpenTarget(name)
	if err != nil {
		return err
	}
	defer t.Close()
	if err := t.Chmod(mode); err != nil {
		return err
	}
	if chown {
		return t.Chown(uid, gid)
	}
	return nil
}
