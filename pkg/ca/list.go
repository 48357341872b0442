package ca

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

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
// memory that grows by 8 bytes a certificate (see copySet).
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
// (state.go). The copies are found with one read of newcerts/ before the first line
// (see copySet). An error from fn stops the scan and is returned.
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
	// An unreadable newcerts/ lists every certificate without its copy, as a
	// missing one does, rather than hiding the index.
	copies, copiesErr := readCopies(dir)
	if copiesErr != nil {
		copies = &copySet{}
	}
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
	if err != nil || repaired || copiesErr != nil {
		return err
	}
	if n := len(copies.hashes); n > lines {
		c.notify("%s lists %d certificate(s) and %s holds %d: kept; the index may have lost lines, so check it against the copies",
			filepath.Join(c.Dir, IndexFile), lines, dir, n)
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

// copySet is the names of the copies in newcerts/, read with one pass over the
// directory: a million entries then cost no stat each (on a busy machine each stat is
// a wait) and no second pass to count the copies. A name is kept as a 64-bit hash, 8
// MB for a million copies; two names of one hash would make a missing copy look
// present, a chance of one in 2^64/N per lookup.
type copySet struct {
	seed   maphash.Seed
	hashes []uint64
}

// readCopies reads the names of dir's copies (*.pem) a chunk at a time; a missing
// directory holds none.
func readCopies(dir string) (*copySet, error) {
	s := &copySet{seed: maphash.MakeSeed()}
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(4096)
		for _, name := range names {
			if strings.HasSuffix(name, ".pem") {
				s.hashes = append(s.hashes, maphash.String(s.seed, name))
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(s.hashes)
	return s, nil
}

func (s *copySet) has(name string) bool {
	if len(s.hashes) == 0 {
		return false
	}
	_, ok := slices.BinarySearch(s.hashes, maphash.String(s.seed, name))
	return ok
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
// index that filter selects, in file order, as Scan reads them: nothing of the
// index is held but copySet's 8 bytes a certificate. lc is only valid during the
// call. A certificate the index calls valid whose expiry has passed at now is listed
// as expired, as openssl ca -updatedb would record it; the index itself is left
// alone.
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
