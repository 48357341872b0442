package fsutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Txn writes several files as one change: either every file is replaced, or none is.
// It is how `pgcert init` fills a data directory — a failure halfway (a full disk, a
// file that may not be replaced) leaves the directory as it was.
//
// Every file is first written in full under a temporary name; only then are they
// renamed into place, each earlier version kept under a backup name (a hard link)
// until all renames succeeded. A crash during the renames (a window of a few system
// calls) can leave some files replaced and others not, and backups named
// .pgcert-tmp-* beside them, which the next run that writes there removes (see
// stale.go); running the command again completes the change.
type Txn struct {
	files []pending
}

type pending struct {
	path string
	data []byte
	opts Options
}

// Add schedules data to be written to path.
func (t *Txn) Add(path string, data []byte, opts Options) {
	t.files = append(t.files, pending{path, data, opts})
}

// Commit writes every scheduled file, or none. A path scheduled twice is an error.
func (t *Txn) Commit() ([]*Written, error) {
	seen := map[string]bool{}
	for _, p := range t.files {
		abs, _ := filepath.Abs(p.path)
		if seen[abs] {
			return nil, fmt.Errorf("%s is written twice in one change", p.path)
		}
		seen[abs] = true
		if _, err := checkTarget(p.path, p.path, p.opts.Force); err != nil {
			return nil, err
		}
	}
	var ready []*staged
	discardAll := func() {
		for _, s := range ready {
			s.discard()
		}
	}
	for _, p := range t.files {
		s, err := stage(p.path, p.opts, content(p.data))
		if err != nil {
			discardAll()
			return nil, err
		}
		ready = append(ready, s)
	}

	type done struct {
		s      *staged
		backup string   // where the previous file went, "" if there was none
		hold   *os.File // the previous file, locked while its backup exists
	}
	var committed []done
	rollback := func() {
		for i := len(committed) - 1; i >= 0; i-- {
			c := committed[i]
			if c.backup != "" {
				os.Rename(c.backup, c.s.path)
			} else {
				os.Remove(c.s.path)
			}
			release(c.hold)
		}
	}
	for _, s := range ready {
		backup := ""
		var hold *os.File
		if s.written.Replaced {
			// The previous file is locked before its backup name exists, so that
			// no other run takes the backup for a leftover (stale.go).
			hold = holdFile(s.path)
			// A hard link keeps the previous file without the target ever being
			// absent; where links are impossible, moving it aside is the fallback.
			b, err := reserveName(filepath.Dir(s.path))
			if err == nil {
				if err = os.Link(s.path, b); err != nil {
					err = os.Rename(s.path, b)
				}
			}
			if err != nil {
				release(hold)
				rollback()
				discardAll()
				return nil, &WriteError{Path: s.written.Path, Op: "keeping a backup of", Err: err}
			}
			backup = b
		}
		if err := s.commit(); err != nil {
			if backup != "" {
				os.Rename(backup, s.path)
			}
			release(hold)
			rollback()
			discardAll()
			return nil, err
		}
		committed = append(committed, done{s, backup, hold})
	}
	var out []*Written
	dirs := map[string]bool{}
	for _, c := range committed {
		if c.backup != "" {
			os.Remove(c.backup)
		}
		release(c.hold)
		out = append(out, c.s.written)
		dirs[filepath.Dir(c.s.path)] = true
	}
	for d := range dirs {
		syncDir(d)
	}
	for _, c := range committed {
		c.s.unpin()
	}
	return out, nil
}

// holdFile opens the regular file at path and holds its shared lock, or returns nil
// when it cannot (a symbolic link, which a cleaner leaves alone anyway, or a file it
// may not read).
func holdFile(path string) *os.File {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	if holdShared(f) != nil {
		f.Close()
		return nil
	}
	return f
}

// release closes a file holdFile opened, dropping its lock.
func release(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// reserveName returns an unused temporary name in dir (by creating and removing it,
// which is enough: the rename that follows happens in the same directory).
func reserveName(dir string) (string, error) {
	f, name, err := createTemp(dir, 0o600)
	if err != nil {
		return "", err
	}
	f.Close()
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return name, nil
}
