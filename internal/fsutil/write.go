// Package fsutil writes pgcert's output files so that nothing is ever lost or exposed:
// each file is written to a temporary file in the same directory, created with its
// final mode (a key is never readable by others, not even for a moment), synced,
// renamed over the target and the directory synced, so that a crash or a full disk
// never leaves half a file and never damages the file being replaced. An existing
// file is only replaced when the caller says so. A run killed while writing leaves
// at most a temporary file, which the next run writing into that directory removes
// (see stale.go).
package fsutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Modes pgcert gives the files it writes: private keys readable by their owner only
// (what PostgreSQL and libpq demand), everything public readable by all.
const (
	KeyMode    os.FileMode = 0o600
	PublicMode os.FileMode = 0o644
)

// tempPrefix starts the name of every temporary file, so that a leftover from a
// crash is recognisable (and ignored by PostgreSQL, which only reads named files).
const tempPrefix = ".pgcert-tmp-"

// Options say how to write one file.
type Options struct {
	// Mode is the file's final permission bits, applied from creation on.
	Mode os.FileMode
	// Force allows replacing an existing file (or a symbolic link, which is replaced
	// itself: its target is never written through).
	Force bool
	// UID and GID, when Chown is set, become the file's owner before it appears
	// under its final name (used as root to give files to the database user).
	Chown    bool
	UID, GID int
	// NoSync skips syncing the file and its directory, for a file that is a record
	// rather than state, or one of a batch that the caller makes durable with Sync
	// before anything depends on it.
	NoSync bool
	// NoClean skips the removal of killed runs' temporary files from the directory
	// before the first write into it (stale.go), for a directory whose writer finds
	// its leftovers another way: a CA's newcerts/, which may hold a million copies
	// and whose CA journals every issue.
	NoClean bool
	// Beneath, when set, is a directory the file lies beneath (a data directory):
	// the file's directory is opened beneath it with no symbolic link on the way,
	// and every step in it (the temporary file, the rename, a Txn's backup) goes
	// through that descriptor. The directory's owner, who may rename anything in
	// it, could otherwise swap a subdirectory for a link to a directory of root's
	// between a check of the path and the write. A path directly in Beneath, or
	// not beneath it, is written by path as without.
	Beneath string
}

// Written describes a file that was written.
type Written struct {
	Path string      `json:"path"`
	Mode os.FileMode `json:"-"`
	UID  int         `json:"uid"`
	GID  int         `json:"gid"`
	// Replaced is true when an earlier file of that name was replaced.
	Replaced bool `json:"replaced"`
	// ReplacedLink is the target of a symbolic link that stood at Path and was
	// replaced by the new file (the target itself is untouched).
	ReplacedLink string `json:"replaced_link,omitempty"`
}

// ExistsError is returned when the target exists and Force was not given.
type ExistsError struct {
	Path string
	// LinkTarget is set when the existing entry is a symbolic link.
	LinkTarget string
}

func (e *ExistsError) Error() string {
	if e.LinkTarget != "" {
		return fmt.Sprintf("%s already exists (a symbolic link to %s)", e.Path, e.LinkTarget)
	}
	return fmt.Sprintf("%s already exists", e.Path)
}

// WriteError is a failure to write Path; nothing was changed at Path.
type WriteError struct {
	Path string
	Op   string
	Err  error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Op, e.Path, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// IsNoSpace reports whether err comes from a full disk or an exhausted quota.
func IsNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// WriteFile writes data to path atomically with opts: WriteFileFunc with data as
// the content.
func WriteFile(path string, data []byte, opts Options) (*Written, error) {
	return WriteFileFunc(path, opts, content(data))
}

// content is the fill function that writes data.
func content(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// staged is a file written under a temporary name, waiting to be renamed. file is
// the temporary file, open and locked (see stale.go). path is where the file system
// calls find the target: the target's own path, or, when its directory is pinned
// (Options.Beneath), its name in the pinned directory's descriptor.
type staged struct {
	path    string
	tmp     string
	file    *os.File
	written *Written
	pin     *Dir
}

// pinDir opens the directory of path beneath the directory beneath, following no
// link on the way, and returns the path through which file system calls reach path
// in that very directory (/proc/self/fd/N/name, which stays the directory opened
// whatever is renamed later), with the open directory; path itself and a nil Dir
// when there is nothing to pin (see Options.Beneath).
func pinDir(path, beneath string) (string, *Dir, error) {
	if beneath == "" {
		return path, nil, nil
	}
	rel, err := filepath.Rel(filepath.Clean(beneath), filepath.Dir(filepath.Clean(path)))
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return path, nil, nil
	}
	root, err := OpenDir(beneath)
	if err != nil {
		return "", nil, &WriteError{Path: path, Op: "writing into", Err: err}
	}
	defer root.Close()
	d, err := root.OpenDir(rel)
	if err != nil {
		return "", nil, &WriteError{Path: path, Op: "writing into", Err: err}
	}
	return filepath.Join("/proc/self/fd", strconv.Itoa(int(d.File().Fd())), filepath.Base(path)), d, nil
}

// Within returns the first of dirs that path lies in a subdirectory of, for
// Options.Beneath: "" when path is directly in one of them or beneath none.
func Within(path string, dirs ...string) string {
	for _, d := range dirs {
		if d == "" {
			continue
		}
		rel, err := filepath.Rel(filepath.Clean(d), filepath.Dir(filepath.Clean(path)))
		if err == nil && rel != "." && filepath.IsLocal(rel) {
			return d
		}
	}
	return ""
}

// checkTarget reports how the target stands: what is there and whether it may go.
// at is where the file system calls find path (pinDir).
func checkTarget(path, at string, force bool) (w *Written, err error) {
	w = &Written{Path: path}
	fi, err := os.Lstat(at)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return w, nil
	case err != nil:
		return nil, &WriteError{Path: path, Op: "checking", Err: err}
	}
	var link string
	if fi.Mode()&fs.ModeSymlink != 0 {
		link, _ = os.Readlink(at)
	} else if fi.IsDir() {
		return nil, &WriteError{Path: path, Op: "writing", Err: errors.New("is a directory")}
	} else if !fi.Mode().IsRegular() {
		return nil, &WriteError{Path: path, Op: "writing", Err: errors.New("is a " + KindOf(fi.Mode()) + ", not a regular file")}
	}
	if !force {
		return nil, &ExistsError{Path: path, LinkTarget: link}
	}
	w.Replaced = true
	w.ReplacedLink = link
	return w, nil
}

// stage writes the content fill produces to a temporary file beside path, ready
// to be renamed over it.
func stage(path string, opts Options, fill func(io.Writer) error) (_ *staged, err error) {
	at, pin, err := pinDir(path, opts.Beneath)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && pin != nil {
			pin.Close()
		}
	}()
	w, err := checkTarget(path, at, opts.Force)
	if err != nil {
		return nil, err
	}
	if err := CheckDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	dir := filepath.Dir(at)
	switch {
	case opts.NoClean:
	case pin != nil:
		// Its /proc name is no name to remember it by.
		RemoveStale(dir)
	default:
		cleanOnce(dir)
	}
	f, tmp, err := createTemp(dir, opts.Mode)
	if err != nil {
		return nil, &WriteError{Path: path, Op: "creating a file in", Err: err}
	}
	fail := func(op string, err error) (*staged, error) {
		os.Remove(tmp)
		f.Close()
		return nil, &WriteError{Path: path, Op: op, Err: err}
	}
	// The mode given at creation was narrowed by the umask; set it exactly, before
	// any byte is written. Narrowing only removes bits, so the file was never more
	// open than asked.
	if err := f.Chmod(opts.Mode); err != nil {
		return fail("setting the mode of", err)
	}
	if opts.Chown {
		if err := f.Chown(opts.UID, opts.GID); err != nil {
			return fail("setting the owner of", err)
		}
	}
	if testHookBeforeWrite != nil {
		testHookBeforeWrite(f)
	}
	if err := fillFile(f, fill); err != nil {
		os.Remove(tmp)
		f.Close()
		return nil, wrapFillError(path, err)
	}
	if !opts.NoSync {
		if err := f.Sync(); err != nil {
			return fail("writing", err)
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return fail("writing", err)
	}
	w.Mode = fi.Mode().Perm()
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		w.UID, w.GID = int(sys.Uid), int(sys.Gid)
	}
	// The file stays open, and so locked, until it is renamed or removed: closed, a
	// complete temporary file would look like a killed run's leftover (stale.go).
	return &staged{path: at, tmp: tmp, file: f, written: w, pin: pin}, nil
}

// Test hooks: observe a temporary file before its first byte, and fail a rename.
var (
	testHookBeforeWrite func(*os.File)
	rename              = os.Rename
)

// commit renames the staged file over its target.
func (s *staged) commit() error {
	if err := rename(s.tmp, s.path); err != nil {
		return &WriteError{Path: s.written.Path, Op: "replacing", Err: err}
	}
	s.tmp = ""
	// The content was written (and, unless NoSync, synced) before the rename; the
	// close only drops the lock.
	s.file.Close()
	s.file = nil
	return nil
}

// discard removes the temporary file of a staged write that will not be committed.
func (s *staged) discard() {
	if s.tmp != "" {
		os.Remove(s.tmp)
		s.tmp = ""
	}
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	s.unpin()
}

// unpin closes the pinned directory, once nothing is left to do in it.
func (s *staged) unpin() {
	if s.pin != nil {
		s.pin.Close()
		s.pin = nil
	}
}

// createTemp creates a new file in dir with a random name and mode (narrowed by the
// umask), and holds its shared lock, which marks it as in use (stale.go). O_EXCL and
// O_NOFOLLOW make sure it is a fresh file, not something an attacker planted.
func createTemp(dir string, mode os.FileMode) (*os.File, string, error) {
	for range 100 {
		name := filepath.Join(dir, tempPrefix+randomSuffix())
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		if err := holdShared(f); err != nil {
			f.Close()
			os.Remove(name)
			return nil, "", err
		}
		if unlinked(f) {
			// Another run took it for a leftover before it was locked; it
			// removed nothing of this run's but an empty file.
			f.Close()
			continue
		}
		return f, name, nil
	}
	return nil, "", errors.New("could not find a free temporary file name")
}

// Sync makes files written with NoSync durable: each file is synced, then each of
// their directories once (a batch of N files in one directory costs N+1 syncs
// instead of 2N).
func Sync(paths ...string) error {
	dirs := map[string]bool{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return &WriteError{Path: p, Op: "syncing", Err: err}
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return &WriteError{Path: p, Op: "syncing", Err: err}
		}
		dirs[filepath.Dir(p)] = true
	}
	for d := range dirs {
		syncDir(d)
	}
	return nil
}

// syncDir makes a rename durable. Errors are ignored: some filesystems cannot sync a
// directory, and the rename itself already succeeded.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
