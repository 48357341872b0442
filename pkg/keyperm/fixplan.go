package keyperm

import "errors"

// Planned is a fix planned for one target, with the file as it was when planned.
type Planned struct {
	Target Target
	Info   FileInfo
	Fix    Fix
}

// FixPlan sorts the fixes of a list of targets by what may be done with them.
type FixPlan struct {
	// Todo are the changes to make, one a file: two settings naming one file share
	// its change.
	Todo []Planned
	// NeedRoot are the changes only root can make. A caller without root makes
	// none of the others either: they alone would leave a set-up that still does
	// not start, and one run as root does it all.
	NeedRoot []Planned
	// Refused are the changes the Scope forbids, each Fix.Err saying why; they are
	// judged only when NeedRoot is empty.
	Refused []Planned
}

// PlanFixes plans the smallest change for every target, for the user id as actor
// would make it, and sorts them. A target that passes, or that no change can fix
// (ErrNoFix), is in none of the lists: a report of every target says why.
func (s Scope) PlanFixes(targets []Target, id, actor Identity) FixPlan {
	var plan FixPlan
	seen := map[string]bool{}
	for _, t := range targets {
		fi := t.Stat()
		fx := t.Plan(fi, id, actor)
		p := Planned{t, fi, fx}
		switch {
		case !fx.Needed, errors.Is(fx.Err, ErrNoFix):
		case errors.Is(fx.Err, ErrNeedsRoot):
			plan.NeedRoot = append(plan.NeedRoot, p)
		case !seen[fx.Path]:
			seen[fx.Path] = true
			plan.Todo = append(plan.Todo, p)
		}
	}
	if len(plan.NeedRoot) > 0 {
		return plan
	}
	for _, p := range plan.Todo {
		if err := s.Check(p.Fix); err != nil {
			p.Fix.Err = err
			plan.Refused = append(plan.Refused, p)
		}
	}
	return plan
}
