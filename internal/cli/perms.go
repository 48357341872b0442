package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// permsOptions are the flags of `pgcert perms check` and `pgcert perms fix`, as the
// library's options.
type permsOptions struct {
	f *Factory
	keyperm.PermsOptions

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

// newPermsSubCmd is `pgcert perms check` (fix false) or `pgcert perms fix`, with the
// flags they share.
func newPermsSubCmd(f *Factory, fix bool, runF func(*permsOptions) error, cmd *cobra.Command) *cobra.Command {
	opts := &permsOptions{f: f, lookup: keyperm.SystemLookup{}, actor: keyperm.Process()}
	opts.Fix = fix
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.Files = args
		if err := opts.CheckArgs(); err != nil {
			return err
		}
		if runF != nil {
			return runF(opts)
		}
		return permsRun(opts)
	}
	fl := cmd.Flags()
	cmdutil.AddPgdataFlag(cmd, &opts.DataDir, "the data directory: every file its ssl_* settings name")
	fl.BoolVar(&opts.Client, "client", false, "apply libpq's rule for client keys instead of the server's")
	fl.StringVar(&opts.Owner, "owner", "", "the database user (default with -D: the data directory's owner); with --client, the user running the client (default: you)")
	fl.StringVar(&opts.Group, "group", "", "the group a key gets when it is given to --owner (default: the owner's primary group)")
	cmd.ValidArgsFunction = cmdutil.PkiFiles
	if fix {
		fl.StringArrayVar(&opts.AllowOutside, "allow-outside", nil, "with -D, allow changing this file outside the data directory (or behind a symbolic link) whoever owns it (repeatable)")
	}
	return cmd
}

// permsRun checks, or with opts.Fix fixes, the files opts names.
func permsRun(opts *permsOptions) error {
	f := opts.f
	o := opts.PermsOptions
	o.Lookup, o.Actor, o.LockDataDir, o.Reporter = opts.lookup, opts.actor, f.LockDataDir, f
	o.ReadDataDir = func(dir string) (*keyperm.DataDirFiles, error) {
		s, err := cmdutil.ReadServerSetup(dir, opts.lookup)
		if err != nil {
			return nil, err
		}
		return doctor.PermFiles(s), nil
	}
	rep, err := keyperm.Perms(o)
	var applyErr *keyperm.ApplyError
	switch {
	case errors.As(err, &applyErr) && !f.Global.JSON:
		rep.WriteChanges(f.IO.Out, "")
		return err
	case err != nil:
		return err
	case f.Global.JSON:
		if err := cmdutil.WriteJSON(f.IO.Out, rep); err != nil {
			return err
		}
	case opts.Fix:
		rep.WriteFixText(f.IO.Out, f.IO.OutColors())
	default:
		keyperm.WriteFiles(f.IO.Out, rep.Files, f.IO.OutColors())
	}
	if !rep.OK {
		return cmdutil.ErrProblemsFound
	}
	return nil
}
