package ca

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// Crash consistency. pgcert changes a CA directory in an order that keeps one rule
// true at every instant, whatever is interrupted:
//
//	every line of index.txt has its certificate in newcerts/.
//
// Issue writes the certificate copy first (a whole file, synced, renamed into place),
// then appends the index line with one write and syncs it, and only then hands the
// certificate out. So an interrupted issue leaves at worst a certificate file without
// an index line, or a last index line cut short: neither was ever handed out. The next
// run that locks the directory repairs both before it does anything else: it cuts a
// torn last line off index.txt, and removes newcerts/ files whose serial has no index
// line, reporting each through CA.Notify. Revoke rewrites index.txt whole (a new file,
// synced, renamed over the old one), as openssl ca does, so it is either done or not.
//
// A locked run costs no memory whatever the size of the directory: it parses index.txt
// line by line without keeping the lines, and holds no list of serials. The full
// repair (keeping every serial, comparing newcerts/ with the index) runs only when
// there is something to repair: a torn last line, an empty index, or the journal of an
// issue that did not finish (PendingFile, written before the first copy and removed
// after the index line). A serial is never drawn twice because its copy exists: the
// rule above makes the copies the set of serials in use.
//
// A repair never destroys a record. The index is read in full before anything is cut:
// one that does not parse is an error, and only a tail that can be the start of one
// line is cut. A copy without an index line is removed only when it is newer than the
// index, as the copy of an interrupted issue is (or, when a torn line was cut, at most
// tornAppendWindow older: the torn append came moments after its copies); an older
// one means that the index lost lines (emptied, cut short, edited by hand), and the
// copy, then the only record of a certificate that was handed out, is kept and
// reported.

// state is what a locked run knows of its CA directory after repair.
type state struct {
	// serials holds the serials of the index after a full repair (empty otherwise),
	// then those this run issues, as SerialHex writes them.
	serials map[string]bool
	// repaired is set when load compared newcerts/ with the whole index.
	repaired bool
}

// certsDir returns the directory holding the certificate copies: newcerts/, or
// easy-rsa's certs_by_serial/ in an easy-rsa PKI.
func certsDir(dir string) string {
	nc := filepath.Join(dir, NewCertsDir)
	if _, err := os.Stat(nc); err != nil {
		er := filepath.Join(dir, EasyRSACertsDir)
		if fi, err := os.Stat(er); err == nil && fi.IsDir() {
			return er
		}
	}
	return nc
}

// CertFilePath returns where the copy of the certificate with serial is kept.
func (c *CA) CertFilePath(serial *big.Int) string {
	return filepath.Join(certsDir(c.Dir), SerialHex(serial.Bytes())+".pem")
}

// load repairs the directory as the package comment on crash consistency says. The
// caller holds the lock.
func (c *CA) load() (*state, error) {
	path := filepath.Join(c.Dir, IndexFile)
	pending, err := c.readPending()
	if err != nil {
		return nil, err
	}
	st, indexTime, repair, err := c.readIndexState(path, pending != nil)
	if err != nil {
		return nil, err
	}
	if err := c.restoreEmpty(); err != nil {
		return nil, err
	}
	if repair == repairNone {
		return st, nil
	}
	if repair == repairTorn {
		indexTime = indexTime.Add(-tornAppendWindow)
	}
	if err := c.removeOrphans(st, indexTime, pending); err != nil {
		return nil, err
	}
	st.repaired = true
	// Temporary files of the killed run: writes into the copies' directory skip the
	// sweep fsutil makes elsewhere, since it would list every copy on every issue.
	fsutil.RemoveStale(certsDir(c.Dir))
	if pending != nil {
		if err := os.Remove(filepath.Join(c.Dir, PendingFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("ca: %w", err)
		}
	}
	return st, nil
}

// repairKind says what load found to repair.
type repairKind int

const (
	repairNone    repairKind = iota
	repairTorn               // index.txt ended with a torn line, now cut
	repairEmpty              // index.txt is empty: a new CA, or one that lost its index
	repairPending            // an issue left its journal
)

// tornAppendWindow is how much older than the index the copies of an issue whose
// append was torn may be: the append follows the copies within milliseconds; ten
// seconds allow for a slow disk.
const tornAppendWindow = 10 * time.Second

// readIndexState parses index.txt (created when missing) up to its last newline and,
// when every line parses, cuts off a torn last line. When there is something to
// repair (a torn line, an empty index, or pending says an issue did not finish) it
// keeps the serials for removeOrphans. It returns the index's time of change from
// before any cut, and what there is to repair.
func (c *CA) readIndexState(path string, pending bool) (st *state, modTime time.Time, repair repairKind, err error) {
	f, err := fsutil.OpenRegularFile(path, os.O_RDWR|os.O_CREATE, indexMode)
	if err != nil {
		return nil, time.Time{}, 0, fmt.Errorf("ca: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, 0, fmt.Errorf("ca: %w", err)
	}
	size := fi.Size()
	end, err := lastNewline(f, size)
	if err != nil {
		return nil, time.Time{}, 0, fmt.Errorf("ca: reading %s: %w", path, err)
	}
	st = &state{serials: map[string]bool{}}
	switch {
	case end < size:
		repair = repairTorn
	case size == 0:
		repair = repairEmpty
	case pending:
		repair = repairPending
	}
	// Every line is parsed, so that a damaged index stops the run before anything is
	// added to it; the serials are kept only for a repair, which compares them with
	// newcerts/. ScanIndex allocates nothing per line: a million lines cost a tenth
	// of a second and no memory.
	keep := func(*Entry) error { return nil }
	if repair != repairNone {
		keep = func(e *Entry) error {
			st.serials[SerialHex(e.Serial)] = true
			return nil
		}
	}
	if err := ScanIndex(io.NewSectionReader(f, 0, end), keep); err != nil {
		return nil, time.Time{}, 0, fmt.Errorf("ca: %s: %w", path, err)
	}
	if end < size {
		if err := c.cutTornLine(f, path, end, size); err != nil {
			return nil, time.Time{}, 0, err
		}
	}
	return st, fi.ModTime(), repair, nil
}

// scanIndex calls fn for every entry of index.txt, in file order (see ScanIndex).
func (c *CA) scanIndex(fn func(*Entry) error) error {
	path := filepath.Join(c.Dir, IndexFile)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	defer f.Close()
	if err := ScanIndex(f, fn); err != nil {
		return fmt.Errorf("ca: %s: %w", path, err)
	}
	return nil
}

// cutTornLine truncates index.txt, open as f, to end (just after its last newline),
// when what follows can be the start of a line an interrupted append left: shorter
// than a line may be, a status letter first, no NUL byte. Anything else there is
// damage this repair must not hide by cutting it away: an error.
func (c *CA) cutTornLine(f *os.File, path string, end, size int64) error {
	torn := make([]byte, min(size-end, 200))
	if _, err := f.ReadAt(torn, end); err != nil && err != io.EOF {
		return fmt.Errorf("ca: reading %s: %w", path, err)
	}
	if size-end > MaxIndexLine || !bytes.ContainsAny(torn[:1], "VRE") || bytes.IndexByte(torn, 0) >= 0 {
		return fmt.Errorf("ca: %s ends with %d bytes that are not an index line (%q): the file is damaged; compare it with the certificates in %s",
			path, size-end, torn[:min(len(torn), 40)], NewCertsDir)
	}
	if err := f.Truncate(end); err != nil {
		return fmt.Errorf("ca: repairing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("ca: repairing %s: %w", path, err)
	}
	c.notify("%s: removed an unfinished last line left by an interrupted run (%q)", path, torn)
	return nil
}

// restoreEmpty rewrites the bookkeeping files a crash during Create left empty (they
// are written unsynced; see writeBookkeeping). A missing file is left alone: an
// openssl or easy-rsa directory may do without it.
func (c *CA) restoreEmpty() error {
	for _, name := range []string{AttrFile, SerialFile, CRLNumberFile, ConfigFile} {
		p := filepath.Join(c.Dir, name)
		fi, err := os.Stat(p)
		if err != nil || fi.Size() != 0 || !fi.Mode().IsRegular() {
			continue
		}
		data, err := defaultContent(c.Dir, name, rand.Reader)
		if err != nil {
			return err
		}
		if _, err := fsutil.WriteFile(p, data, fsutil.Options{Mode: indexMode, Force: true}); err != nil {
			return fmt.Errorf("ca: %w", err)
		}
		c.notify("%s was empty, left by an interrupted run: restored its default", p)
	}
	return nil
}

// lastNewline returns the offset just after the last '\n' of f, 0 when there is none.
// It looks back no further than a line may be long: a longer tail is damage (see
// cutTornLine), and the offset returned for it, 0, leaves the whole file as a tail
// that cutTornLine refuses.
func lastNewline(f *os.File, size int64) (int64, error) {
	buf := make([]byte, 4096)
	for end := size; end > 0 && size-end <= MaxIndexLine; {
		start := max(end-int64(len(buf)), 0)
		b := buf[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && err != io.EOF {
			return 0, err
		}
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// removeOrphans removes the certificate copies whose serial the index does not list
// and that the journal of an interrupted issue names (pending) or that are not older
// than cutoff (the index's time of change): those of an interrupted issue. Other ones
// are kept and reported (see the package comment on crash consistency).
func (c *CA) removeOrphans(st *state, cutoff time.Time, pending map[string]bool) error {
	dir := certsDir(c.Dir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	var kept []string
	for _, e := range entries {
		name := e.Name()
		hex, ok := strings.CutSuffix(name, ".pem")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		n, ok := new(big.Int).SetString(hex, 16)
		if !ok || n.Sign() < 0 {
			continue
		}
		serial := SerialHex(n.Bytes())
		if st.serials[serial] {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := e.Info(); !pending[serial] && (err != nil || fi.ModTime().Before(cutoff)) {
			kept = append(kept, p)
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("ca: removing %s: %w", p, err)
		}
		c.notify("%s: removed a certificate that %s does not list, left by an interrupted issue (it was never handed out)", p, IndexFile)
	}
	if len(kept) > 0 {
		c.notify("%s lists no line for %d certificate(s) older than it, such as %s: kept; the index may have lost lines, so check it against them",
			filepath.Join(c.Dir, IndexFile), len(kept), kept[0])
	}
	return nil
}

// appendIndex appends lines to index.txt with a single write, and syncs it. A write
// that fails part way (a full disk) is undone by cutting the file back to its
// length before, so that a failed issue leaves the index as it was rather than with
// a torn line for the next run to repair. The caller holds the lock, so the length
// is stable. Errors are *fsutil.WriteError.
func (c *CA) appendIndex(lines []byte) error {
	path := filepath.Join(c.Dir, IndexFile)
	fail := func(err error) error {
		return fmt.Errorf("ca: %w", &fsutil.WriteError{Path: path, Op: "appending to", Err: err})
	}
	open := func(path string) (*os.File, error) { return fsutil.OpenRegularFile(path, os.O_WRONLY|os.O_APPEND, 0) }
	if testHookOpenAppend != nil {
		open = testHookOpenAppend
	}
	f, err := open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if _, err = f.Write(lines); err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Truncate(fi.Size())
		return fail(err)
	}
	return f.Close()
}

// testHookAfterCopy, when set, runs between writing the certificate copy and
// appending its index line; an error stops the issue there, as a crash would.
var testHookAfterCopy func() error

// testHookOpenAppend, when set, opens index.txt for appending instead: a test hands
// back /dev/full to meet a full disk, which index.txt itself, never followed as a
// link, cannot lead to.
var testHookOpenAppend func(path string) (*os.File, error)
