package cmdutil

import (
	"strings"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// ParseOwner reads --owner USER[:GROUP], names or numbers; without a group, the
// user's primary group, as chown does with USER alone.
func ParseOwner(spec string) (ca.FileOwner, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	if name == "" {
		return ca.FileOwner{}, hint.Usagef("--owner %q: give USER or USER:GROUP", spec)
	}
	id, err := keyperm.LookupOwner(keyperm.SystemLookup{}, name)
	if err != nil {
		return ca.FileOwner{}, err
	}
	o := ca.FileOwner{Set: true, UID: int(id.UID), GID: int(id.GID)}
	if hasGroup && group != "" {
		gid, _, err := keyperm.LookupGroup(group)
		if err != nil {
			return ca.FileOwner{}, hint.Usagef("--owner %s: no such group %s", spec, group)
		}
		o.GID = int(gid)
	}
	return o, nil
}

// InheritedOwner is the owner files root writes into another user's directory
// get (bootstrap.InheritedOwner).
func InheritedOwner(dir string) ca.FileOwner {
	uid, gid, ok := bootstrap.InheritedOwner(dir)
	return ca.FileOwner{Set: ok, UID: uid, GID: gid}
}

// MkdirOwned makes dir and its missing parents given to o (bootstrap.MkdirOwned).
func MkdirOwned(dir string, o ca.FileOwner) error {
	return bootstrap.MkdirOwned(dir, o.Set, o.UID, o.GID)
}
