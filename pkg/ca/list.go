package ca

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// Record is one certificate of a CA's index, with its copy.
type Record struct {
	Entry *Entry
	// File is the copy in newcerts/; "" when the file is missing, which pgcert never
	// leaves behind but a hand-edited or foreign index can.
	File string
}

// List returns the index of the issuing CA in file order, each entry with its
// certificate copy. It takes the lock, so it never sees an issue half done, and
// repairs what an interrupted run left (see state.go). On a directory it may not
// write (a read-only filesystem, another user's CA) it needs no pgcert.lock of its
// own: it shares an existing lock when it can and reads the complete lines of the
// index, without repairs (see lockDirForRead).
func (c *CA) List() ([]Record, error) {
	var waiting func()
	if c.Waiting != nil {
		waiting = func() { c.Waiting(c.Dir) }
	}
	unlock, writable, err := lockDirForRead(c.Dir, waiting)
	if err != nil {
		return nil, err
	}
	defer unlock()
	scan := c.scanIndexSnapshot
	if writable {
		if _, err := c.load(); err != nil {
			return nil, err
		}
		scan = c.scanIndex
	}
	var out []Record
	err = scan(func(e *Entry) error {
		r := Record{Entry: e.Clone(), File: c.CertFilePath(e.SerialNumber())}
		if _, err := os.Stat(r.File); err != nil {
			r.File = ""
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanIndexSnapshot is scanIndex for a directory pgcert may not repair: it reads
// index.txt up to its last newline (a line being appended is left out, as a locked
// run would cut it), and a missing index is an empty one.
func (c *CA) scanIndexSnapshot(fn func(*Entry) error) error {
	path := filepath.Join(c.Dir, IndexFile)
	f, err := fsutil.OpenRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	end, err := lastNewline(f, fi.Size())
	if err != nil {
		return fmt.Errorf("ca: reading %s: %w", path, err)
	}
	if err := ScanIndex(io.NewSectionReader(f, 0, end), fn); err != nil {
		return fmt.Errorf("ca: %s: %w", path, err)
	}
	return nil
}
