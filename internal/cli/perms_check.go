package cli

import (
	"fmt"
	"io"

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
		if err := refuseSpecialFiles(s); err != nil {
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
	rep := &permsReport{Rule: rule, User: userLabel(id), Files: []permsFileReport{}, Changes: []permsChangeReport{}}
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
	for _, t := range targets {
		fi := t.stat()
		r := t.judge(fi, id)
		rep.Files = append(rep.Files, describePermsFile(t, fi, r, opts.lookup))
		rep.OK = rep.OK && r.OK
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		printPermsFiles(f, rep.Files)
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

// printPermsFiles prints one line per file, and under a failing one the server's
// DETAIL and the fix.
func printPermsFiles(f *Factory, files []permsFileReport) {
	cs := f.IO.OutColors()
	w := f.IO.Out
	for _, r := range files {
		if r.OK {
			fmt.Fprintf(w, "%s  %s\n", cs.Green(pad("ok", 5)), permsLabel(r))
			continue
		}
		fmt.Fprintf(w, "%s  %s: %s\n", cs.Red(pad("error", 5)), permsLabel(r), r.Message)
		printIndented(w, 7, "DETAIL: ", r.Detail)
		printIndented(w, 7, "fix: ", r.Fix)
	}
}

func permsLabel(r permsFileReport) string {
	s := r.Name
	if r.Setting != "" && r.Kind != kindCRLDirEntry {
		s += " (" + r.Setting + ")"
	}
	if r.LinkTarget != "" {
		s += " -> " + r.LinkTarget
	}
	return s
}

// printIndented prints label and text indented by n spaces, when text is not empty.
func printIndented(w io.Writer, n int, label, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(w, "%*s%s%s\n", n, "", label, text)
}

// pad pads s with spaces to n characters, before any colour is added.
func pad(s string, n int) string {
	return fmt.Sprintf("%-*s", n, s)
}
