package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// newPermsCheckCmd is `pgcert perms check`.
func newPermsCheckCmd(f *Factory, runF func(*permsOptions) error) *cobra.Command {
	opts := &permsOptions{f: f, lookup: keyperm.SystemLookup{}, actor: keyperm.Process()}
	cmd := &cobra.Command{
		Use:   "check [-D PGDATA | FILE...]",
		Short: "say whether the server (or libpq) will accept the modes and owners of SSL files",
		Long:  help.Long("perms check"), Example: help.Example("perms check"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := permsArgs(opts, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return permsRun(opts)
		},
	}
	addPermsFlags(cmd, opts)
	return cmd
}

// permsRun checks, or with opts.Fix fixes, the files opts names.
func permsRun(opts *permsOptions) error {
	f := opts.f
	var setup *serverSetup
	confBroken := false
	if opts.DataDir != "" && opts.Fix {
		release, err := f.lockDataDir(opts.DataDir)
		if err != nil {
			return err
		}
		defer release()
	}
	if opts.DataDir != "" {
		s, err := readServerSetup(opts.DataDir, opts.lookup)
		if err != nil {
			return err
		}
		for _, e := range s.ConfErrs {
			f.warnf("%s (the server will not start); more: pgcert check -D %s", e.Message, shellWord(opts.DataDir))
		}
		// Which files are the server's SSL files is the configuration's to say:
		// one the server cannot read says nothing certain, and nothing is changed
		// on its word.
		confBroken = len(s.ConfErrs) > 0
		if confBroken && opts.Fix {
			return failf([]string{"correct it first; more: pgcert check -D " + shellWord(opts.DataDir)},
				"%s: the server cannot read its configuration; nothing was changed", s.Dir.ConfigFile)
		}
		if err := s.RefuseSpecialFiles(); err != nil {
			return err
		}
		setup = s
	}
	id, err := permsIdentity(opts, setup)
	if err != nil {
		return err
	}
	rule := "server"
	if opts.Client {
		rule = "client"
	}
	rep := &keyperm.Report{Rule: rule, User: userLabel(id), Files: []keyperm.FileReport{}, Changes: []keyperm.ChangeReport{}}
	if setup != nil {
		rep.DataDir = setup.Dir.Dir
	}
	targets := permsTargets(opts, setup)
	if opts.Fix {
		return permsFix(opts, id, targets, rep, permsScope(opts, setup))
	}
	if rule == "server" {
		f.infof("checking with the server's rule for database user %s", rep.User)
	} else {
		f.infof("checking with libpq's rule for user %s", rep.User)
	}
	rep.OK = !confBroken
	rep.Judge(targets, id, opts.lookup)
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		keyperm.WriteFiles(f.IO.Out, rep.Files, f.IO.OutColors())
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}

// permsScope is what perms fix -D may change: everything when pgcert runs as the
// data directory's owner (or on files named on the command line), else only what
// keyperm.Scope allows.
func permsScope(opts *permsOptions, setup *serverSetup) keyperm.Scope {
	if setup == nil || opts.actor.UID == setup.DBUser.UID {
		return keyperm.Scope{}
	}
	allowed, _ := fsutil.Allow(opts.AllowOutside...)
	return keyperm.Scope{DataDir: setup.Dir.Dir, Owner: setup.DBUser, Allowed: allowed}
}
