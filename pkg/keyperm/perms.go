package keyperm

import (
	"fmt"
	"os/user"
	"strconv"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/notify"
)

// DataDirFiles are what `pgcert perms -D` needs to know of a data directory: the
// SSL files its settings name, its owner, and what of its configuration the
// server could not read. keyperm does not read configurations; the caller does
// (pgdata.ReadSetup and doctor.PermTargets).
type DataDirFiles struct {
	// Dir is the data directory; ConfigFile its postgresql.conf.
	Dir, ConfigFile string
	// Owner is the user the server runs as: the directory's owner.
	Owner Identity
	// ConfErrs are the messages the server would log reading its
	// configuration; any of them stops it from starting.
	ConfErrs []string
	// Targets are the files the SSL settings name.
	Targets []Target
	// RefuseSpecialFiles fails when a file the server reads is not a regular
	// file (nil: none is refused).
	RefuseSpecialFiles func() error
}

// PermsOptions are the inputs of Perms: `pgcert perms check` and `perms fix`.
type PermsOptions struct {
	// Fix makes the changes; without it the files are only judged.
	Fix bool
	// DataDir is the data directory whose SSL files are judged; Files are key
	// files named instead, with the client rule when Client.
	DataDir string
	Files   []string
	Client  bool
	// Owner and Group are --owner and --group: the user the rule is for and
	// the group a key is given to.
	Owner, Group string
	// AllowOutside are files outside the data directory (or behind a symbolic
	// link) that Fix may change whoever owns them.
	AllowOutside []string
	// Lookup finds users and groups; Actor is who makes the changes (the
	// running process).
	Lookup Lookup
	Actor  Identity
	// ReadDataDir reads DataDir's settings; LockDataDir keeps other pgcert runs
	// out of it while Fix changes it (nil: no lock).
	ReadDataDir func(dir string) (*DataDirFiles, error)
	LockDataDir func(dir string) (release func(), err error)
	// Reporter hears notes and warnings (nil: silent).
	Reporter notify.Reporter
}

// CheckArgs refuses combinations of a data directory, files, the client rule
// and AllowOutside that mean nothing, with a usage error naming the flags.
func (o *PermsOptions) CheckArgs() error {
	switch {
	case o.DataDir != "" && len(o.Files) > 0:
		return hint.Usagef("give either -D PGDATA or key files, not both")
	case o.DataDir == "" && len(o.Files) == 0:
		return hint.Usagef("give -D PGDATA, or the key files to check")
	case o.DataDir != "" && o.Client:
		return hint.Usagef("--client is for client keys; a data directory holds the server's")
	case o.DataDir == "" && !o.Client && o.Owner == "":
		return hint.Usagef("name the database user the server runs as with --owner USER (or give -D PGDATA, whose owner it is)")
	case len(o.AllowOutside) > 0 && o.DataDir == "":
		return hint.Usagef("--allow-outside is for files a data directory's settings name; files given on the command line are allowed already")
	}
	return nil
}

// Perms judges, or with Fix fixes, the modes and owners of the files o names,
// and reports every file. A data directory whose configuration the server
// cannot read is judged but never changed: which files are its SSL files is the
// configuration's to say. With Fix, an *ApplyError leaves the changes made
// before it in the report.
func Perms(o PermsOptions) (*Report, error) {
	say := notify.Or(o.Reporter)
	var dd *DataDirFiles
	confBroken := false
	if o.DataDir != "" && o.Fix && o.LockDataDir != nil {
		release, err := o.LockDataDir(o.DataDir)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if o.DataDir != "" {
		var err error
		if dd, err = o.ReadDataDir(o.DataDir); err != nil {
			return nil, err
		}
		for _, e := range dd.ConfErrs {
			say.Warnf("%s (the server will not start); more: pgcert check -D %s", e, words.ShellWord(o.DataDir))
		}
		confBroken = len(dd.ConfErrs) > 0
		if confBroken && o.Fix {
			return nil, hint.Errorf([]string{"correct it first; more: pgcert check -D " + words.ShellWord(o.DataDir)},
				"%s: the server cannot read its configuration; nothing was changed", dd.ConfigFile)
		}
		if dd.RefuseSpecialFiles != nil {
			if err := dd.RefuseSpecialFiles(); err != nil {
				return nil, err
			}
		}
	}
	id, err := o.identity(dd)
	if err != nil {
		return nil, err
	}
	rule := "server"
	if o.Client {
		rule = "client"
	}
	rep := &Report{Rule: rule, User: id.Label(), Files: []FileReport{}, Changes: []ChangeReport{}}
	targets := KeyTargets(o.Files, o.Client)
	if dd != nil {
		rep.DataDir, targets = dd.Dir, dd.Targets
	}
	if o.Fix {
		return rep, rep.Fix(FixOptions{
			Targets: targets, ID: id, Actor: o.Actor, Scope: o.scope(dd), Lookup: o.Lookup,
			Command: FixCommand{DataDir: o.DataDir, Client: o.Client, Owner: o.Owner, Group: o.Group, AllowOutside: o.AllowOutside, Files: o.Files},
		})
	}
	if rule == "server" {
		say.Infof("checking with the server's rule for database user %s", rep.User)
	} else {
		say.Infof("checking with libpq's rule for user %s", rep.User)
	}
	rep.OK = !confBroken
	rep.Judge(targets, id, o.Lookup)
	return rep, nil
}

// identity finds the user the rule is for: --owner, else the data directory's
// owner (server rule) or the running user (client rule); with --group as the
// group a key is given to.
func (o *PermsOptions) identity(dd *DataDirFiles) (Identity, error) {
	var id Identity
	switch {
	case o.Owner != "":
		var err error
		if id, err = LookupOwner(o.Lookup, o.Owner); err != nil {
			return id, err
		}
	case dd != nil:
		id = dd.Owner
	default:
		id = o.Actor
		if named, err := o.Lookup.LookupUID(id.UID); err == nil {
			id = named
		}
	}
	if o.Group == "" {
		return id, nil
	}
	gid, name, err := LookupGroup(o.Group)
	if err != nil {
		return id, err
	}
	return id.WithGroup(gid, name)
}

// scope is what Fix may change: everything when pgcert runs as the data
// directory's owner (or on files named on the command line), else only what
// Scope allows.
func (o *PermsOptions) scope(dd *DataDirFiles) Scope {
	if dd == nil || o.Actor.UID == dd.Owner.UID {
		return Scope{}
	}
	allowed, _ := fsutil.Allow(o.AllowOutside...)
	return Scope{DataDir: dd.Dir, Owner: dd.Owner, Allowed: allowed}
}

// LookupOwner finds the user --owner names, by login name or number; an unknown
// user is a usage error.
func LookupOwner(lookup Lookup, name string) (Identity, error) {
	id, err := lookup.LookupUser(name)
	if err == nil {
		return id, nil
	}
	if n, perr := strconv.ParseUint(name, 10, 32); perr == nil {
		if id, err := lookup.LookupUID(uint32(n)); err == nil {
			return id, nil
		}
	}
	return Identity{}, &hint.UsageError{Err: fmt.Errorf("--owner %s: no such user", name)}
}

// LookupGroup finds the group --group names, by name or number; an unknown
// group is a usage error.
func LookupGroup(name string) (gid uint32, groupName string, err error) {
	g, err := user.LookupGroup(name)
	if err != nil {
		g, err = user.LookupGroupId(name)
	}
	if err != nil {
		return 0, "", &hint.UsageError{Err: fmt.Errorf("--group %s: no such group", name)}
	}
	n, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		return 0, "", fmt.Errorf("--group %s: bad group id %q", name, g.Gid)
	}
	return uint32(n), g.Name, nil
}
