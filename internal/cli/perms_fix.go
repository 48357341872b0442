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

// plannedFix is a change to make to one target.
type plannedFix struct {
	t   permsTarget
	fi  keyperm.FileInfo
	fix keyperm.Fix
}

// permsFix plans a change for every target, refuses them all when one needs root and
// pgcert does not have it, makes the others, and reports every file afterwards.
func permsFix(opts *permsOptions, id keyperm.Identity, targets []permsTarget, rep *permsReport, scope keyperm.Scope) error {
	f := opts.f
	var todo, needRoot, refused []plannedFix
	seen := map[string]bool{}
	for _, t := range targets {
		fi := t.stat()
		fx := t.plan(fi, id, opts.actor)
		p := plannedFix{t, fi, fx}
		switch {
		case !fx.Needed:
		case errors.Is(fx.Err, keyperm.ErrNoFix):
			// Nothing to do: the report below, made from every target, says why.
		case errors.Is(fx.Err, keyperm.ErrNeedsRoot):
			needRoot = append(needRoot, p)
		case !seen[fx.Path]:
			seen[fx.Path] = true
			todo = append(todo, p)
		}
	}
	if len(needRoot) > 0 {
		return needsRootError(opts, needRoot)
	}
	for _, p := range todo {
		if err := scope.Check(p.fix); err != nil {
			p.fix.Err = err
			refused = append(refused, p)
		}
	}
	if len(refused) > 0 {
		return refusedError(opts, refused)
	}

	var lines []string
	for _, p := range todo {
		if err := scope.Apply(p.fix); err != nil {
			if len(lines) > 0 {
				printFixLines(f, rep, lines)
			}
			return withHints(fmt.Errorf("%s: %w", p.t.Name, err), "run pgcert perms fix again: it plans from the files as they are now")
		}
		oldOwner, oldGroup := ownerNames(opts.lookup, p.fi.UID, p.fi.GID)
		ch := permsChangeReport{
			Name: p.t.Name, Path: p.fix.Path, Link: p.fix.Link,
			OldMode: fmt.Sprintf("%04o", uint32(p.fi.Mode.Perm())), OldOwner: oldOwner + ":" + oldGroup,
			Commands: p.fix.Commands(), Reason: p.fix.Reason,
		}
		if p.fix.Chmod && p.fix.Mode.Perm() != p.fi.Mode.Perm() {
			ch.Mode = fmt.Sprintf("%04o", uint32(p.fix.Mode.Perm()))
			lines = append(lines, fmt.Sprintf("%s: chmod %s %s (was %s)", p.t.Name, ch.Mode, p.fix.Path, ch.OldMode))
		}
		if p.fix.Chown {
			ch.Owner = p.fix.Owner
			lines = append(lines, fmt.Sprintf("%s: chown %s %s (was %s)", p.t.Name, p.fix.Owner, p.fix.Path, ch.OldOwner))
		}
		if p.fix.Link != "" {
			lines = append(lines, fmt.Sprintf("%s is a symbolic link: fixed its target %s, not the link", p.t.Name, p.fix.Path))
		}
		rep.Changes = append(rep.Changes, ch)
	}

	rep.OK = true
	var failed []permsFileReport
	for _, t := range targets {
		fi := t.stat()
		r := t.judge(fi, id)
		fr := describePermsFile(t, fi, r, opts.lookup)
		rep.Files = append(rep.Files, fr)
		if !r.OK {
			rep.OK = false
			failed = append(failed, fr)
			rep.Unchangeable = append(rep.Unchangeable, t.Name)
		}
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		printFixLines(f, rep, lines)
		if len(failed) > 0 {
			fmt.Fprintln(f.IO.Out, "no change of mode or owner can fix:")
			printPermsFiles(f, failed)
		}
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}

func printFixLines(f *Factory, rep *permsReport, lines []string) {
	if f.Global.JSON {
		return
	}
	if len(lines) == 0 {
		fmt.Fprintln(f.IO.Out, "nothing to change")
		return
	}
	for _, l := range lines {
		fmt.Fprintln(f.IO.Out, l)
	}
}

// needsRootError refuses a fix of which some changes only root can make: changing the
// other files alone would leave a set-up that still does not start, and a second run
// as root does it all.
func needsRootError(opts *permsOptions, needRoot []plannedFix) error {
	var names []string
	hints := []string{"run it as root: sudo " + permsCommandLine(opts)}
	for _, p := range needRoot {
		names = append(names, p.t.Name)
		if cmds := p.fix.Commands(); len(cmds) > 0 {
			hints = append(hints, fmt.Sprintf("or, as root, for %s: %s", p.t.Name, strings.Join(cmds, " && ")))
		}
	}
	what := names[0]
	if len(names) > 1 {
		what = fmt.Sprintf("%s and %d more file(s)", names[0], len(names)-1)
	}
	return failf(hints, "%s: %s; no file was changed", what, strings.TrimPrefix(needRoot[0].fix.Err.Error(), "keyperm: "))
}

// refusedError refuses a fix of which some changes would give the data directory's
// owner a power they do not have (keyperm.Scope): nothing is changed, each refusal
// says why, and the hint names the flag that allows it, for an admin who checked the
// file.
func refusedError(opts *permsOptions, refused []plannedFix) error {
	var hints []string
	allow := *opts
	for _, p := range refused {
		var re *keyperm.RefusedError
		if errors.As(p.fix.Err, &re) {
			allow.AllowOutside = append(allow.AllowOutside, p.fix.Path)
		}
	}
	if len(allow.AllowOutside) > len(opts.AllowOutside) {
		hints = append(hints, "if you checked the file and mean it to change: "+permsCommandLine(&allow))
	}
	msgs := make([]string, 0, len(refused))
	for _, p := range refused {
		msgs = append(msgs, fmt.Sprintf("%s: %s", p.t.Name, strings.TrimPrefix(p.fix.Err.Error(), "keyperm: ")))
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
