package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// newPermsFixCmd is `pgcert perms fix`.
func newPermsFixCmd(f *Factory, runF func(*permsOptions) error) *cobra.Command {
	opts := &permsOptions{f: f, Fix: true, lookup: keyperm.SystemLookup{}, actor: keyperm.Process()}
	cmd := &cobra.Command{
		Use:   "fix [-D PGDATA | FILE...]",
		Short: "make the modes and owners of SSL files pass PostgreSQL's rules, with the smallest change",
		Long:  help.Long("perms fix"), Example: help.Example("perms fix"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := permsArgs(opts, args); err != nil {
				return err
			}
			if len(opts.AllowOutside) > 0 && opts.DataDir == "" {
				return usageErrorf("--allow-outside is for files a data directory's settings name; files given on the command line are allowed already")
			}
			if runF != nil {
				return runF(opts)
			}
			return permsRun(opts)
		},
	}
	addPermsFlags(cmd, opts)
	cmd.Flags().StringArrayVar(&opts.AllowOutside, "allow-outside", nil, "with -D, allow changing this file outside the data directory (or behind a symbolic link) whoever owns it (repeatable)")
	return cmd
}

// permsFix makes the changes keyperm plans and reports every file afterwards.
func permsFix(opts *permsOptions, id keyperm.Identity, targets []keyperm.Target, rep *keyperm.Report, scope keyperm.Scope) error {
	f := opts.f
	err := rep.Fix(keyperm.FixOptions{
		Targets: targets, ID: id, Actor: opts.actor, Scope: scope, Lookup: opts.lookup,
		Command: keyperm.FixCommand{DataDir: opts.DataDir, Client: opts.Client, Owner: opts.Owner, Group: opts.Group, AllowOutside: opts.AllowOutside, Files: opts.Files},
	})
	var applyErr *keyperm.ApplyError
	if errors.As(err, &applyErr) && !f.Global.JSON {
		rep.WriteChanges(f.IO.Out, "")
	}
	if err != nil {
		return err
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		rep.WriteFixText(f.IO.Out, f.IO.OutColors())
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}
