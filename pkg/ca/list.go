package ca

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
// certificate copy, as Scan reads them. For a large index, Scan does the same in
// constant memory.
func (c *CA) List() ([]Record, error) {
	var out []Record
	err := c.Scan(func(r Record) error {
		r.Entry = r.Entry.Clone()
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Scan calls fn for every certificate of the issuing CA's index in file order, with
// its copy. It takes the lock, so it never sees an issue half done, and repairs what
// an interrupted run left (see state.go). On a directory it may not write (a
// read-only filesystem, another user's CA) it needs no pgcert.lock of its own: it
// shares an existing lock when it can and reads the complete lines of the index,
// without repairs (see lockDirForRead). r.Entry is only valid during the call (Clone
// keeps it). After the last line, it compares the number of lines with the number of
// copies in newcerts/ and reports through Notify when there are more copies than
// lines: the index may have lost lines, which a locked run no longer looks for
// (state.go). An error from fn stops the scan and is returned.
func (c *CA) Scan(fn func(r Record) error) error {
	var waiting func()
	if c.Waiting != nil {
		waiting = func() { c.Waiting(c.Dir) }
	}
	unlock, writable, err := lockDirForRead(c.Dir, waiting)
	if err != nil {
		return err
	}
	defer unlock()
	scan := c.scanIndexSnapshot
	repaired := false
	if writable {
		st, err := c.load()
		if err != nil {
			return err
		}
		scan, repaired = c.scanIndex, st.repaired
	}
	dir := certsDir(c.Dir)
	lines := 0
	err = scan(func(e *Entry) error {
		lines++
		r := Record{Entry: e, File: filepath.Join(dir, SerialHex(e.Serial)+".pem")}
		if _, err := os.Stat(r.File); err != nil {
			r.File = ""
		}
		return fn(r)
	})
	if err != nil || repaired {
		return err
	}
	if copies, err := countCopies(dir); err == nil && copies > lines {
		c.notify("%s lists %d certificate(s) and %s holds %d: kept; the index may have lost lines, so check it against the copies",
			filepath.Join(c.Dir, IndexFile), lines, dir, copies)
	}
	return nil
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

// countCopies counts the certificate copies of dir a chunk of names at a time, so
// that a directory of a million copies costs no memory to count.
func countCopies(dir string) (int, error) {
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		names, err := d.Readdirnames(4096)
		for _, name := range names {
			if strings.HasSuffix(name, ".pem") {
				n++
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
