package ca

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

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
	copies := openCopies(dir)
	defer copies.close()
	lines := 0
	err = scan(func(e *Entry) error {
		lines++
		name := SerialHex(e.Serial) + ".pem"
		r := Record{Entry: e}
		if copies.has(name) {
			r.File = filepath.Join(dir, name)
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

// copiesDir answers whether newcerts/ holds a copy, with one fstatat on the open
// directory per name: no path is resolved again for each of a million entries, and
// no set of names is held in memory.
type copiesDir struct {
	d *os.File // nil when newcerts/ cannot be opened: then no copy is there
}

func openCopies(dir string) copiesDir {
	d, err := os.Open(dir)
	if err != nil {
		return copiesDir{}
	}
	return copiesDir{d: d}
}

func (c copiesDir) has(name string) bool {
	if c.d == nil {
		return false
	}
	var st unix.Stat_t
	return unix.Fstatat(int(c.d.Fd()), name, &st, 0) == nil
}

func (c copiesDir) close() {
	if c.d != nil {
		c.d.Close()
	}
}

// ListFilter selects the certificates ScanListing passes on. The zero ListFilter
// selects every certificate; the fields that are set must all match.
type ListFilter struct {
	// Revoked selects revoked certificates.
	Revoked bool
	// ExpiringBy, when set, selects the certificates still valid at now that expire
	// before it: the ones to renew (revoked and already expired ones need no renewal).
	ExpiringBy time.Time
	// CN is a shell pattern (path.Match syntax) a commonName of the subject must
	// match; "" selects any subject.
	CN string
}

// Check returns path.ErrBadPattern when CN is not a valid pattern, so that a caller
// can refuse it before scanning the index.
func (f ListFilter) Check() error {
	if f.CN == "" {
		return nil
	}
	_, err := path.Match(f.CN, "")
	return err
}

func (f ListFilter) match(e *Entry, now time.Time) bool {
	if f.Revoked && e.Status != StatusRevoked {
		return false
	}
	if !f.ExpiringBy.IsZero() && (e.Status != StatusValid || !now.Before(e.Expires) || !e.Expires.Before(f.ExpiringBy)) {
		return false
	}
	return f.CN == "" || subjectCNMatches(e.Subject, f.CN)
}

// subjectCNMatches reports whether a commonName of subject, in the one-line form of
// the index ("/O=Example/CN=alice"), matches pattern.
func subjectCNMatches(subject []byte, pattern string) bool {
	for _, rdn := range strings.Split(string(subject), "/") {
		if cn, ok := strings.CutPrefix(rdn, "CN="); ok {
			if m, _ := path.Match(pattern, cn); m {
				return true
			}
		}
	}
	return false
}

// ScanListing calls fn with the listing of every certificate of the issuing CA's
// index that filter selects, in file order, as Scan reads them: constant memory
// however long the index. lc is only valid during the call. A certificate the index
// calls valid whose expiry has passed at now is listed as expired, as openssl ca
// -updatedb would record it; the index itself is left alone.
func (c *CA) ScanListing(now time.Time, filter ListFilter, fn func(lc *ListedCert) error) error {
	if err := filter.Check(); err != nil {
		return fmt.Errorf("ca: %q: %w", filter.CN, err)
	}
	var lc ListedCert
	var at, reason, file string
	return c.Scan(func(rec Record) error {
		e := rec.Entry
		if !filter.match(e, now) {
			return nil
		}
		lc = ListedCert{
			Status:  e.Status.String(),
			Serial:  SerialHex(e.Serial),
			Subject: string(e.Subject),
			Expires: e.Expires.UTC().Format(time.RFC3339),
		}
		if e.Status == StatusValid && !now.Before(e.Expires) {
			lc.Status = StatusExpired.String()
		}
		if e.Status == StatusRevoked {
			at, reason = e.Revoked.UTC().Format(time.RFC3339), e.Reason.String()
			lc.RevokedAt, lc.Reason = &at, &reason
		}
		if rec.File != "" {
			file = rec.File
			lc.File = &file
		}
		return fn(&lc)
	})
}
