package cli

import (
	"fmt"
	"os/user"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// permsOptions are the flags of `pgcert perms check` and `pgcert perms fix`.
type permsOptions struct {
	f *Factory

	Fix     bool
	DataDir string
	Files   []string
	Client  bool
	Owner   string
	Group   string
	// AllowOutside are files outside the data directory (or reached through a
	// symbolic link) that perms fix -D may change whoever owns them.
	AllowOutside []string

	// lookup finds users and groups; actor is who makes the changes (the running
	// process). Tests replace both.
	lookup keyperm.Lookup
	actor  keyperm.Identity
}

// newPermsCmd is `pgcert perms`, the parent of check and fix.
func newPermsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "perms",
		Short: "check or fix the modes and owners of SSL keys, certificates and CRLs",
		Long:  help.Long("perms"), Example: help.Example("perms"),
		Args: noArgs,
	}
	cmd.AddCommand(newPermsCheckCmd(f, nil), newPermsFixCmd(f, nil))
	return cmd
}

// addPermsFlags registers the flags check and fix share.
func addPermsFlags(cmd *cobra.Command, opts *permsOptions) {
	fl := cmd.Flags()
	addPgdataFlag(cmd, &opts.DataDir, "the data directory: every file its ssl_* settings name")
	fl.BoolVar(&opts.Client, "client", false, "apply libpq's rule for client keys instead of the server's")
	fl.StringVar(&opts.Owner, "owner", "", "the database user (default with -D: the data directory's owner); with --client, the user running the client (default: you)")
	fl.StringVar(&opts.Group, "group", "", "the group a key gets when it is given to --owner (default: the owner's primary group)")
	cmd.ValidArgsFunction = pkiFiles
}

// permsArgs checks the combination of -D, files and --client.
func permsArgs(opts *permsOptions, args []string) error {
	opts.Files = args
	switch {
	case opts.DataDir != "" && len(args) > 0:
		return usageErrorf("give either -D PGDATA or key files, not both")
	case opts.DataDir == "" && len(args) == 0:
		return usageErrorf("give -D PGDATA, or the key files to check")
	case opts.DataDir != "" && opts.Client:
		return usageErrorf("--client is for client keys; a data directory holds the server's")
	case opts.DataDir == "" && !opts.Client && opts.Owner == "":
		return usageErrorf("name the database user the server runs as with --owner USER (or give -D PGDATA, whose owner it is)")
	}
	return nil
}

// permsTargets lists the files to judge: every file the data directory's SSL
// settings name, or the key files given.
func permsTargets(opts *permsOptions, setup *serverSetup) []keyperm.Target {
	if setup == nil {
		return keyperm.KeyTargets(opts.Files, opts.Client)
	}
	return doctor.PermTargets(setup)
}

// permsIdentity finds the user the rule is for: --owner, else the data directory's
// owner (server rule) or the running user (client rule); with --group as the group a
// key is given to.
func permsIdentity(opts *permsOptions, setup *serverSetup) (keyperm.Identity, error) {
	var id keyperm.Identity
	switch {
	case opts.Owner != "":
		var err error
		id, err = lookupUser(opts.lookup, opts.Owner)
		if err != nil {
			return id, err
		}
	case setup != nil:
		id = setup.DBUser
	default:
		id = opts.actor
		if named, err := opts.lookup.LookupUID(id.UID); err == nil {
			id = named
		}
	}
	if opts.Group == "" {
		return id, nil
	}
	gid, name, err := lookupGroup(opts.Group)
	if err != nil {
		return id, err
	}
	return id.WithGroup(gid, name)
}

// lookupUser finds a user by login name or number.
func lookupUser(lookup keyperm.Lookup, name string) (keyperm.Identity, error) {
	id, err := lookup.LookupUser(name)
	if err == nil {
		return id, nil
	}
	if n, perr := strconv.ParseUint(name, 10, 32); perr == nil {
		if id, err := lookup.LookupUID(uint32(n)); err == nil {
			return id, nil
		}
	}
	return keyperm.Identity{}, &UsageError{Err: fmt.Errorf("--owner %s: no such user", name)}
}

// lookupGroup finds a group by name or number.
func lookupGroup(name string) (uint32, string, error) {
	g, err := user.LookupGroup(name)
	if err != nil {
		g, err = user.LookupGroupId(name)
	}
	if err != nil {
		return 0, "", &UsageError{Err: fmt.Errorf("--group %s: no such group", name)}
	}
	gid, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		return 0, "", fmt.Errorf("--group %s: bad group id %q", name, g.Gid)
	}
	return uint32(gid), g.Name, nil
}
