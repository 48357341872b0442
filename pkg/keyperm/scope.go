package keyperm

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// ErrRefused means a fix was not made because making it would give the data
// directory's owner a power they do not have (see Scope).
var ErrRefused = errors.New("keyperm: refused")

// Scope is what a fix may change when pgcert runs as root on a data directory
// another user owns. That owner writes the data directory and, through ALTER
// SYSTEM, the settings that name the SSL files, so neither a setting nor a link the
// owner planted may make root change a file the owner could not change:
//   - a file in the data directory, reached without following a link, may be
//     changed, unless it has several hard links and is not the owner's (one of its
//     names may be a file of root's, linked in);
//   - any other file (outside the data directory, or reached through a symbolic link)
//     only when it already belongs to the owner and sits in a directory the owner
//     may write, or when the admin named it (Allowed, from --allow-outside).
//
// The zero Scope allows everything: files named on the command line, or a run by
// the owner themselves, who can make no change they could not make anyway.
type Scope struct {
	// DataDir is the data directory as the settings' paths start with it; "" for
	// the zero Scope.
	DataDir string
	// Owner is the data directory's owner.
	Owner Identity
	// Allowed are the absolute, clean paths the admin allowed on the command line.
	Allowed []string
}

// RefusedError says which fix was refused and why.
type RefusedError struct {
	// Path is the file that would have changed; Link the symbolic link that led
	// there, if any.
	Path, Link string
	Reason     string
}

func (e *RefusedError) Error() string {
	if e.Link != "" {
		return fmt.Sprintf("%s is a symbolic link to %s, which %s: not changed", e.Link, e.Path, e.Reason)
	}
	return fmt.Sprintf("%s %s: not changed", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// enforced reports whether s restricts anything.
func (s Scope) enforced() bool { return s.DataDir != "" }

// beneath returns path relative to the data directory when the fix reaches it
// without a link and it lies inside.
func (s Scope) beneath(f Fix) (string, bool) {
	if f.Link != "" {
		return "", false
	}
	rel, err := filepath.Rel(filepath.Clean(s.DataDir), filepath.Clean(f.Path))
	if err != nil || rel == "." || !filepath.IsLocal(rel) || strings.HasPrefix(rel, "..") {
		return "", false
	}
	return rel, true
}

// allowed reports whether the admin named the file, by its own path or the link's.
func (s Scope) allowed(f Fix) bool {
	return slices.Contains(s.Allowed, filepath.Clean(f.Path)) || (f.Link != "" && slices.Contains(s.Allowed, filepath.Clean(f.Link)))
}

// Check says, before anything is changed, whether s allows the fix f: nil, or a
// *RefusedError with the reason. Apply checks again on the file it opened.
func (s Scope) Check(f Fix) error {
	if !f.Needed || f.Err != nil || !s.enforced() {
		return nil
	}
	t, err := s.open(f)
	if err != nil {
		return err
	}
	defer t.Close()
	return s.judge(f, t)
}

// open opens the file the fix changes: beneath the data directory without
// following any link, or, for any other file, at its resolved path (f.Path holds
// a link's target), again without following a link planted since.
func (s Scope) open(f Fix) (*fsutil.Target, error) {
	var t *fsutil.Target
	var err error
	if rel, ok := s.beneath(f); ok && s.enforced() {
		var d *fsutil.Dir
		if d, err = fsutil.OpenDir(s.DataDir); err == nil {
			t, err = d.OpenTarget(rel)
			d.Close()
		}
	} else {
		// Links still on the way to the file's directory are resolved here, and
		// the rule judges the file where it really is; a link planted after this,
		// or at the file itself, makes the open fail.
		p := f.Path
		if !filepath.IsAbs(p) {
			if p, err = filepath.Abs(p); err != nil {
				return nil, fmt.Errorf("keyperm: %w", err)
			}
		}
		if d, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			p = filepath.Join(d, filepath.Base(p))
		}
		t, err = fsutil.OpenTarget(p)
	}
	var nr *fsutil.NotRegularError
	switch {
	case errors.Is(err, fsutil.ErrEscapes):
		return nil, fmt.Errorf("%w: %s is now reached through a symbolic link", ErrChanged, f.Path)
	case errors.As(err, &nr):
		return nil, &RefusedError{Path: f.Path, Link: f.Link, Reason: "is a " + nr.Kind + ", not a regular file or directory"}
	case err != nil:
		return nil, fmt.Errorf("keyperm: %w", err)
	}
	return t, nil
}

// judge applies s to the file t, opened for the fix f.
func (s Scope) judge(f Fix, t *fsutil.Target) error {
	if !s.enforced() || s.allowed(f) {
		return nil
	}
	if _, ok := s.beneath(f); ok {
		if t.Stat.Nlink > 1 && t.Stat.Uid != s.Owner.UID && !t.IsDir() {
			return &RefusedError{Path: f.Path, Reason: fmt.Sprintf(
				"has %d hard links and belongs to user %d, not to the data directory's owner: another of its names may be a file outside the data directory", t.Stat.Nlink, t.Stat.Uid)}
		}
		return nil
	}
	o := fsutil.Outside{UID: s.Owner.UID, GIDs: append([]uint32{s.Owner.GID}, s.Owner.Groups...)}
	var oe *fsutil.OutsideError
	if err := o.Check(t.Path, &t.Stat); errors.As(err, &oe) {
		return &RefusedError{Path: f.Path, Link: f.Link, Reason: "is outside the data directory and " + oe.Reason}
	} else if err != nil {
		return err
	}
	return nil
}

// sameFile reports whether the opened file is the one the fix was planned for.
func sameFile(f Fix, st *unix.Stat_t) bool {
	return f.ino == 0 || (uint64(st.Dev) == f.dev && st.Ino == f.ino)
}
