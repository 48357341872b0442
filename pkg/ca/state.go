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

// state is the index of a locked CA directory after repair.
type state struct {
	serials map[string]bool // serials in the index, as SerialHex writes them
	count   int
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

// load repairs the directory as the package comment on crash consistency says and
// reads the serials of its index. The caller holds the lock.
func (c *CA) load() (*state, error) {
	path := filepath.Join(c.Dir, IndexFile)
	if err := c.cutTornLine(path); err != nil {
		return nil, err
	}
	if err := c.restoreEmpty(); err != nil {
		return nil, err
	}
	st := &state{serials: map[string]bool{}}
	err := c.scanIndex(func(e *Entry) error {
		st.serials[SerialHex(e.Serial)] = true
		st.count++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := c.removeOrphans(st); err != nil {
		return nil, err
	}
	return st, nil
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

// cutTornLine truncates index.txt after its last newline, creating the file when it
// is missing.
func (c *CA) cutTornLine(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, indexMode)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	end, err := lastNewline(f, size)
	if err != nil {
		return fmt.Errorf("ca: reading %s: %w", path, err)
	}
	if end == size {
		return nil
	}
	torn := make([]byte, min(size-end, 200))
	f.ReadAt(torn, end)
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
func lastNewline(f *os.File, size int64) (int64, error) {
	buf := make([]byte, 4096)
	for end := size; end > 0; {
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

// removeOrphans removes certificate copies whose serial the index does not list.
func (c *CA) removeOrphans(st *state) error {
	dir := certsDir(c.Dir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
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
		if st.serials[SerialHex(n.Bytes())] {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("ca: removing %s: %w", p, err)
		}
		c.notify("%s: removed a certificate that %s does not list, left by an interrupted issue (it was never handed out)", p, IndexFile)
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
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
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
