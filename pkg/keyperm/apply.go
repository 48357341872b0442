package keyperm

import (
	"fmt"
)

// Apply makes the change f plans with the zero Scope, for files named on the command
// line: Scope.Apply.
func Apply(f Fix) error {
	return Scope{}.Apply(f)
}

// Apply makes the change f plans, within s: chmod, then chown, through a descriptor
// of the file it opened without following a link (f.Path is already a link's
// target, resolved when it was examined), never through a path that could lead
// elsewhere by then. It refuses a fix that carries an error, a file that is no longer
// the one examined (another file moved into its place, or a link put on the way),
// and a change s does not allow (*RefusedError).
func (s Scope) Apply(f Fix) error {
	if !f.Needed {
		return nil
	}
	if f.Err != nil {
		return f.Err
	}
	t, err := s.open(f)
	if err != nil {
		return err
	}
	defer t.Close()
	if !sameFile(f, &t.Stat) {
		return fmt.Errorf("%w: %s was replaced", ErrChanged, f.Path)
	}
	if err := s.judge(f, t); err != nil {
		return err
	}
	if f.Chmod {
		if err := t.Chmod(f.Mode.Perm()); err != nil {
			return fmt.Errorf("keyperm: %w", err)
		}
	}
	if f.Chown {
		if err := t.Chown(int(f.UID), int(f.GID)); err != nil {
			return fmt.Errorf("keyperm: %w", err)
		}
	}
	return nil
}
