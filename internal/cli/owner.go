package cli

import (
	"strings"

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
	id, err := keyperm.LookupOwner(keyperm.SystemLookup{}, name)
	if err != nil {
		return fileOwner{}, err
	}
	o := fileOwner{Set: true, UID: int(id.UID), GID: int(id.GID)}
	if hasGroup && group != "" {
		gid, _, err := keyperm.LookupGroup(group)
		if err != nil {
			return fileOwner{}, usageErrorf("--owner %s: no such group %s", spec, group)
		}
		o.GID = int(gid)
	}
	return o, nil
}

// inheritedOwner is the owner files root writes into another user's directory
// get (bootstrap.InheritedOwner).
func inheritedOwner(dir string) fileOwner {
	uid, gid, ok := bootstrap.InheritedOwner(dir)
	return fileOwner{Set: ok, UID: uid, GID: gid}
}

// mkdirOwned makes dir and its missing parents given to o (bootstrap.MkdirOwned).
func mkdirOwned(dir string, o fileOwner) error {
	return bootstrap.MkdirOwned(dir, o.Set, o.UID, o.GID)
}
