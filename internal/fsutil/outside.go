package fsutil

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"
)

// ErrOutside marks a file outside the data directory that pgcert will not create,
// change or remove on the word of a setting (see Outside).
var ErrOutside = errors.New("outside the data directory")

// OutsideError says why a file outside the data directory was left alone.
type OutsideError struct {
	Path   string
	Reason string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s is outside the data directory and %s", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrOutside) true.
func (e *OutsideError) Is(target error) bool { return target == ErrOutside }

// Outside is the rule for files outside a data directory that a setting names
// (ssl_key_file = '/etc/...', a symbolic link in the data directory). Settings are
// the data directory owner's to write (postgresql.auto.conf through ALTER SYSTEM, by
// any database superuser), so a setting alone must not make pgcert, run as root,
// touch a file that owner could not touch: such a file is created, changed or
// removed only when it already belongs to the owner and sits in a directory the owner
// may write (the owner could have done the same), or when the admin named the path
// on the command line.
type Outside struct {
	// UID and GIDs are the data directory owner's user ID and groups (primary and
	// supplementary), for the question "may the owner write this directory".
	UID  uint32
	GIDs []uint32
	// Allowed are the paths the admin named on the command line, made absolute and
	// clean: they may be touched whoever owns them.
	Allowed []string
}

// Check applies the rule to the file at the absolute path: st is what fstat said of
// the open file, nil for a file about to be created. The file's directory is
// examined by lstat of the path's directory, which the caller reached without
// following a link. It returns nil or an *OutsideError.
func (o Outside) Check(path string, st *unix.Stat_t) error {
	path = filepath.Clean(path)
	if slices.Contains(o.Allowed, path) {
		return nil
	}
	if st != nil && st.Uid != o.UID {
		return &OutsideError{Path: path, Reason: fmt.Sprintf("belongs to user %d, not to the data directory's owner (user %d)", st.Uid, o.UID)}
	}
	dir := filepath.Dir(path)
	var dst unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Lstat(dir, &dst) }); err != nil {
		return &OutsideError{Path: path, Reason: fmt.Sprintf("its directory %s cannot be examined: %v", dir, err)}
	}
	if !o.mayWrite(&dst) {
		return &OutsideError{Path: path, Reason: fmt.Sprintf("its directory %s is not writable by the data directory's owner (user %d)", dir, o.UID)}
	}
	return nil
}

// mayWrite reports whether the owner may write the directory st describes, by the
// mode bits that apply to them. ACLs are not consulted: a directory whose bits refuse
// the owner is refused even where an ACL lets them in, which errs on the side of
// touching nothing.
func (o Outside) mayWrite(st *unix.Stat_t) bool {
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return false
	case st.Uid == o.UID:
		return st.Mode&0o200 != 0
	case slices.Contains(o.GIDs, st.Gid):
		return st.Mode&0o020 != 0
	}
	return st.Mode&0o002 != 0
}

// Allow returns the cleaned absolute form of paths named on the command line, for
// Outside.Allowed.
func Allow(paths ...string) ([]string, error) {
	var out []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		out = append(out, filepath.Clean(abs))
	}
	return out, nil
}
