package cli

import (
	"errors"
	"fmt"
	"strings"

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

// permsFix plans a change for every target, refuses them all when one needs root and
// pgcert does not have it, makes the others, and reports every file afterwards.
func permsFix(opts *permsOptions, id keyperm.Identity, targets []keyperm.Target, rep *keyperm.Report, scope keyperm.Scope) error {
	f := opts.f
	plan := scope.PlanFixes(targets, id, opts.actor)
	if len(plan.NeedRoot) > 0 {
		return needsRootError(opts, plan.NeedRoot)
	}
	if len(plan.Refused) > 0 {
		return refusedError(opts, plan.Refused)
	}

	for _, p := range plan.Todo {
		if err := scope.Apply(p.Fix); err != nil {
			if !f.Global.JSON {
				rep.WriteChanges(f.IO.Out, "")
			}
			return withHints(fmt.Errorf("%s: %w", p.Target.Name, err), "run pgcert perms fix again: it plans from the files as they are now")
		}
		rep.Changes = append(rep.Changes, keyperm.Change(p.Target.Name, p.Info, p.Fix, opts.lookup))
	}

	rep.OK = true
	for _, t := range targets {
		fi := t.Stat()
		r := t.Judge(fi, id)
		rep.Files = append(rep.Files, keyperm.Describe(t.Report(), fi, r, opts.lookup))
		if !r.OK {
			rep.OK = false
			rep.Unchangeable = append(rep.Unchangeable, t.Name)
		}
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

// needsRootError refuses a fix of which some changes only root can make: changing the
// other files alone would leave a set-up that still does not start, and a second run
// as root does it all.
func needsRootError(opts *permsOptions, needRoot []keyperm.Planned) error {
	var names []string
	hints := []string{"run it as root: sudo " + permsCommandLine(opts)}
	for _, p := range needRoot {
		names = append(names, p.Target.Name)
		if cmds := p.Fix.Commands(); len(cmds) > 0 {
			hints = append(hints, fmt.Sprintf("or, as root, for %s: %s", p.Target.Name, strings.Join(cmds, " && ")))
		}
	}
	what := names[0]
	if len(names) > 1 {
		what = fmt.Sprintf("%s and %d more file(s)", names[0], len(names)-1)
	}
	return failf(hints, "%s: %s; no file was changed", what, strings.TrimPrefix(needRoot[0].Fix.Err.Error(), "keyperm: "))
}

// refusedError refuses a fix of which some changes would give the data directory's
// owner a power they do not have (keyperm.Scope): nothing is changed, each refusal
// says why, and the hint names the flag that allows it, for an admin who checked the
// file.
func refusedError(opts *permsOptions, refused []keyperm.Planned) error {
	var hints []string
	allow := *opts
	for _, p := range refused {
		var re *keyperm.RefusedError
		if errors.As(p.Fix.Err, &re) {
			allow.AllowOutside = append(allow.AllowOutside, p.Fix.Path)
		}
	}
	if len(allow.AllowOutside) > len(opts.AllowOutside) {
		hints = append(hints, "if you checked the file and mean it to change: "+permsCommandLine(&allow))
	}
	msgs := make([]string, 0, len(refused))
	for _, p := range refused {
		msgs = append(msgs, fmt.Sprintf("%s: %s", p.Target.Name, strings.TrimPrefix(p.Fix.Err.Error(), "keyperm: ")))
	}
	return failf(hints, "%s; no file was changed", strings.Join(msgs, "; "))
}

// permsCommandLine rebuilds the command the user typed, for a hint.
func permsCommandLine(opts *permsOptions) string {
	parts := []string{"pgcert perms fix"}
	if opts.DataDir != "" {
		parts = append(parts, "-D", shellWord(opts.DataDir))
	}
	if opts.Client {
		parts = append(parts, "--client")
	}
	if opts.Owner != "" {
		parts = append(parts, "--owner", shellWord(opts.Owner))
	}
	if opts.Group != "" {
		parts = append(parts, "--group", shellWord(opts.Group))
	}
	for _, p := range opts.AllowOutside {
		parts = append(parts, "--allow-outside", shellWord(p))
	}
	for _, file := range opts.Files {
		parts = append(parts, shellWord(file))
	}
	return strings.Join(parts, " ")
}
