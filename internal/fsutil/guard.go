package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Guard applies the Outside rule to the files a run would create, replace, edit or
// remove because a setting names them (ssl_crl_file, hba_file, a postgresql.conf
// that is a symbolic link). A file inside one of Dirs, reached without a link on the
// way, is the admin's to change: they named that directory on the command line.
// Any other file is judged by Outside, where it really is (links on the way to its
// directory resolved), so that a setting or a link the data directory's owner
// planted never makes pgcert, run as root, change a file that owner could not.
type Guard struct {
	// Off turns the guard off: pgcert runs as the data directory's owner, who can
	// make no change they could not make anyway.
	Off bool
	// Dirs are the directories named on the command line: the data directory and,
	// when -D named another, the configuration directory.
	Dirs []string
	// Outside judges every other file; its Allowed are the paths of --allow-outside.
	Outside Outside
}

// Check returns nil when the file at path may be changed, else an *OutsideError
// saying why not. A path given to --allow-outside is allowed by its own name or by
// the name it resolves to.
func (g Guard) Check(path string) error {
	if g.Off {
		return nil
	}
	path = filepath.Clean(path)
	if slices.Contains(g.Outside.Allowed, path) {
		return nil
	}
	for _, d := range g.Dirs {
		if beneathWithoutLink(filepath.Clean(d), path) {
			return nil
		}
	}
	real := path
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		real = filepath.Join(dir, filepath.Base(path))
	}
	var st *unix.Stat_t
	var s unix.Stat_t
	if err := ignoringEINTR(func() error { return unix.Lstat(real, &s) }); err == nil {
		st = &s
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &OutsideError{Path: path, Reason: fmt.Sprintf("cannot be examined: %v", err)}
	}
	err := g.Outside.Check(real, st)
	var oe *OutsideError
	if errors.As(err, &oe) && real != path {
		return &OutsideError{Path: path, Reason: fmt.Sprintf("%s (it leads to %s)", oe.Reason, real)}
	}
	return err
}

// beneathWithoutLink reports whether path lies inside dir and every directory
// between them is a directory, not a symbolic link. The file itself may be a link:
// pgcert replaces a link with a file, never writing through it.
func beneathWithoutLink(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return false
	}
	parts := strings.Split(rel, string(filepath.Separator))
	cur := dir
	for _, p := range parts[:len(parts)-1] {
		cur = filepath.Join(cur, p)
		fi, err := os.Lstat(cur)
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}
