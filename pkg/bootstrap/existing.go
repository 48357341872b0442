package bootstrap

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// RefuseExisting fails at once, unless force, when one of paths exists, with an
// *fsutil.ExistsError naming it (and a link's target): fsutil would refuse it
// anyway, but only once the work is done and a passphrase asked.
func RefuseExisting(force bool, paths ...string) error {
	if force {
		return nil
	}
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		e := &fsutil.ExistsError{Path: p}
		if fi.Mode()&fs.ModeSymlink != 0 {
			e.LinkTarget, _ = os.Readlink(p)
		}
		return e
	}
	return nil
}

// InheritedOwner is the owner files root writes into another user's directory
// get: the owner of dir, or of its nearest existing parent when dir is still to
// be made (a user's ~/.postgresql), so that the user the files are for can read
// them. ok is false when they keep the invoking user's (run by anyone else, or
// into root's own directories).
func InheritedOwner(dir string) (uid, gid int, ok bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			return DirOwner(d)
		}
		if d == filepath.Dir(d) {
			return 0, 0, false
		}
	}
}

// MkdirOwned makes dir and its missing parents with mode 0700, each given to
// uid:gid when chown, by descriptor (fsutil.SetBeneath) so that a link planted
// in its place is never followed; existing directories are left as they are.
func MkdirOwned(dir string, chown bool, uid, gid int) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if chown {
			if err := fsutil.SetBeneath(filepath.Dir(d), filepath.Base(d), 0o700, true, uid, gid); err != nil {
				return err
			}
		}
	}
	return nil
}
