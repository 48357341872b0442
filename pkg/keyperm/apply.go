package keyperm

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Apply makes the change f plans: chmod, then chown, on f.Path itself (never through
// a link: f.Path is already the link's target). It refuses a fix that carries an
// error, and a file that is no longer the one examined (another file moved into its
// place, or a link put there).
func Apply(f Fix) error {
	if !f.Needed {
		return nil
	}
	if f.Err != nil {
		return f.Err
	}
	st, err := os.Lstat(f.Path)
	if err != nil {
		return fmt.Errorf("keyperm: %w", err)
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is now a symbolic link", ErrChanged, f.Path)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && f.ino != 0 && (uint64(sys.Dev) != f.dev || sys.Ino != f.ino) {
		return fmt.Errorf("%w: %s was replaced", ErrChanged, f.Path)
	}
	if f.Chmod {
		if err := os.Chmod(f.Path, f.Mode.Perm()); err != nil {
			return fmt.Errorf("keyperm: %w", err)
		}
	}
	if f.Chown {
		if err := os.Lchown(f.Path, int(f.UID), int(f.GID)); err != nil {
			return fmt.Errorf("keyperm: %w", err)
		}
	}
	return nil
}
