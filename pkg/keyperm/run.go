package keyperm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// Judge adds each target's verdict for id to the report, as `pgcert perms
// check` shows them; OK stays true only when every file passes.
func (r *Report) Judge(targets []Target, id Identity, lookup Lookup) {
	for _, t := range targets {
		fi := t.Stat()
		res := t.Judge(fi, id)
		r.Files = append(r.Files, Describe(t.Report(), fi, res, lookup))
		r.OK = r.OK && res.OK
	}
}

// FixCommand is a `pgcert perms fix` command line, which hints print whole so
// that it can be run again as root or with more files allowed.
type FixCommand struct {
	DataDir      string
	Client       bool
	Owner, Group string
	AllowOutside []string
	Files        []string
}

// String is the command as a shell reads it.
func (c FixCommand) String() string {
	parts := []string{"pgcert perms fix"}
	if c.DataDir != "" {
		parts = append(parts, "-D", words.ShellWord(c.DataDir))
	}
	if c.Client {
		parts = append(parts, "--client")
	}
	if c.Owner != "" {
		parts = append(parts, "--owner", words.ShellWord(c.Owner))
	}
	if c.Group != "" {
		parts = append(parts, "--group", words.ShellWord(c.Group))
	}
	for _, p := range c.AllowOutside {
		parts = append(parts, "--allow-outside", words.ShellWord(p))
	}
	for _, file := range c.Files {
		parts = append(parts, words.ShellWord(file))
	}
	return strings.Join(parts, " ")
}

// FixOptions are the inputs of Report.Fix.
type FixOptions struct {
	Targets []Target
	// ID is whom the rule is for; Actor who makes the changes.
	ID, Actor Identity
	Scope     Scope
	Lookup    Lookup
	// Command is the command being run, for hints.
	Command FixCommand
}

// ApplyError is a change that failed after the plan was made (the file changed
// meanwhile); the report's Changes hold those made before it.
type ApplyError struct {
	Name string
	Err  error
}

// Error names the file.
func (e *ApplyError) Error() string { return fmt.Sprintf("%s: %s", e.Name, e.Err) }

// Unwrap returns the failure.
func (e *ApplyError) Unwrap() error { return e.Err }

// Fix plans a change for every target, refuses them all when one needs root
// that the actor does not have or one the scope does not allow (changing the
// others alone would leave a set-up that still does not start), makes the
// others, and adds every file's verdict afterwards to the report. A change that
// fails midway is an *ApplyError, with a hint.
func (r *Report) Fix(o FixOptions) error {
	plan := o.Scope.PlanFixes(o.Targets, o.ID, o.Actor)
	if len(plan.NeedRoot) > 0 {
		return needsRootError(o.Command, plan.NeedRoot)
	}
	if len(plan.Refused) > 0 {
		return refusedError(o.Command, plan.Refused)
	}
	for _, p := range plan.Todo {
		if err := o.Scope.Apply(p.Fix); err != nil {
			return hint.With(&ApplyError{Name: p.Target.Name, Err: err}, "run pgcert perms fix again: it plans from the files as they are now")
		}
		r.Changes = append(r.Changes, Change(p.Target.Name, p.Info, p.Fix, o.Lookup))
	}
	r.OK = true
	for _, t := range o.Targets {
		fi := t.Stat()
		res := t.Judge(fi, o.ID)
		r.Files = append(r.Files, Describe(t.Report(), fi, res, o.Lookup))
		if !res.OK {
			r.OK = false
			r.Unchangeable = append(r.Unchangeable, t.Name)
		}
	}
	return nil
}

// needsRootError refuses a fix of which some changes only root can make, with
// the command to run as root.
func needsRootError(cmd FixCommand, needRoot []Planned) error {
	var names []string
	hints := []string{"run it as root: sudo " + cmd.String()}
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
	return hint.Errorf(hints, "%s: %s; no file was changed", what, strings.TrimPrefix(needRoot[0].Fix.Err.Error(), "keyperm: "))
}

// refusedError refuses a fix of which some changes would give the data
// directory's owner a power they do not have (Scope): each refusal says why,
// and the hint names the flag that allows it, for an admin who checked the file.
func refusedError(cmd FixCommand, refused []Planned) error {
	var hints []string
	allow := cmd
	allow.AllowOutside = append([]string(nil), cmd.AllowOutside...)
	for _, p := range refused {
		var re *RefusedError
		if errors.As(p.Fix.Err, &re) {
			allow.AllowOutside = append(allow.AllowOutside, p.Fix.Path)
		}
	}
	if len(allow.AllowOutside) > len(cmd.AllowOutside) {
		hints = append(hints, "if you checked the file and mean it to change: "+allow.String())
	}
	msgs := make([]string, 0, len(refused))
	for _, p := range refused {
		msgs = append(msgs, fmt.Sprintf("%s: %s", p.Target.Name, strings.TrimPrefix(p.Fix.Err.Error(), "keyperm: ")))
	}
	return hint.Errorf(hints, "%s; no file was changed", strings.Join(msgs, "; "))
}
