package cmdutil

import (
	"strings"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// FileOwner is the owner new files and directories get; zero means the invoking user.
type FileOwner struct {
	Set      bool
	UID, GID int
}

// ParseOwner reads --owner USER[:GROUP], names or numbers; without a group, the
// user's primary group, as chown does with USER alone.
func ParseOwner(spec string) (FileOwner, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	if name == "" {
		return FileOwner{}, hint.Usagef("--owner %q: give USER or USER:GROUP", spec)
	}
	id, err := keyperm.LookupOwner(keyperm.SystemLookup{}, name)
	if err != nil {
		return FileOwner{}, err
	}
	o := FileOwner{Set: true, UID: int(id.UID), GID: int(id.GID)}
	if hasGroup && group != "" {
		gid, _, err := keyperm.LookupGroup(group)
		if err != nil {
			return FileOwner{}, hint.Usagef("--owner %s: no such group %s", spec, group)
		}
		o.GID = int(gid)
	}
	return o, nil
}

// InheritedOwner is the owner files root writes into another user's directory
// get (bootstrap.InheritedOwner).
func InheritedOwner(dir string) FileOwner {
	uid, gid, ok := bootstrap.InheritedOwner(dir)
	return FileOwner{Set: ok, UID: uid, GID: gid}
}

// MkdirOwned makes dir and its missing parents given to o (bootstrap.MkdirOwned).
func MkdirOwned(dir string, o FileOwner) error {
	return bootstrap.MkdirOwned(dir, o.Set, o.UID, o.GID)
}
