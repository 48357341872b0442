package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// fileOwner is the owner new files and directories get; zero means the invoking user.
type fileOwner struct {
	Set      bool
	UID, GID int
}

// parseOwner reads --owner USER[:GROUP], names or numbers; without a group, the
// user's primary group, as chown does with USER alone.
func parseOwner(spec string) (fileOwner, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	if name == "" {
		return fileOwner{}, usageErrorf("--owner %q: give USER or USER:GROUP", spec)
	}
	id, err := lookupUser(keyperm.SystemLookup{}, name)
	if err != nil {
		return fileOwner{}, err
	}
	o := fileOwner{Set: true, UID: int(id.UID), GID: int(id.GID)}
	if hasGroup && group != "" {
		gid, _, err := lookupGroup(group)
		if err != nil {
			return fileOwner{}, usageErrorf("--owner %s: no such group %s", spec, group)
		}
		o.GID = int(gid)
	}
	return o, nil
}

// inheritedOwner is the rule for files root writes into another user's directory:
// they take the owner of dir, or of its nearest existing parent when dir is still to
// be made (a user's ~/.postgresql), so that the user the files are for can read them.
// Run by anyone else, or into root's own directories, files keep the invoking user.
func inheritedOwner(dir string) fileOwner {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			uid, gid, ok := bootstrap.DirOwner(d)
			return fileOwner{Set: ok, UID: uid, GID: gid}
		}
		if d == filepath.Dir(d) {
			return fileOwner{}
		}
	}
}

// options are the write options of a new file of mode given to o.
func (o fileOwner) options(mode fs.FileMode, force bool) fsutil.Options {
	return fsutil.Options{Mode: mode, Force: force, Chown: o.Set, UID: o.UID, GID: o.GID}
}

// mkdirOwned makes dir and its missing parents with mode 0700, each given to o by
// descriptor (fsutil.SetBeneath) so that a link planted in its place is never
// followed; existing directories are left as they are.
func mkdirOwned(dir string, o fileOwner) error {
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
		if o.Set {
			if err := fsutil.SetBeneath(filepath.Dir(d), filepath.Base(d), 0o700, true, o.UID, o.GID); err != nil {
				return err
			}
		}
	}
	return nil
}
