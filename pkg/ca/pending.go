package ca

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// PendingFile is the journal of an issue in progress: the serials whose copies it is
// about to write into newcerts/, one per line in hexadecimal, written and synced
// before the first copy and removed once their index lines are synced. A run that
// finds it knows that an issue was interrupted, and which copies may lack their index
// line, without listing newcerts/ (which a CI farm's CA fills with a million files).
const PendingFile = "pgcert-issue.pending"

// pendingLimit bounds the journal read back: a batch is a handful of certificates.
const pendingLimit = 1 << 20

// writePending records the serials of the issue about to write its copies.
func (c *CA) writePending(serials []string) error {
	var b bytes.Buffer
	for _, s := range serials {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	if _, err := fsutil.WriteFile(filepath.Join(c.Dir, PendingFile), b.Bytes(), fsutil.Options{Mode: fsutil.PublicMode, Force: true}); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	return nil
}

// clearPending removes the journal once the issue is recorded (or undone). It is not
// synced: a journal that outlives a crash only makes the next run check the copies it
// names against the index, which lists them.
func (c *CA) clearPending() {
	os.Remove(filepath.Join(c.Dir, PendingFile))
}

// readPending returns the serials an interrupted issue's journal names, as SerialHex
// writes them, or nil when there is no journal. A journal that is not one (a link, a
// directory, lines that are not serials) is an error: the directory was tampered with.
func (c *CA) readPending() (map[string]bool, error) {
	path := filepath.Join(c.Dir, PendingFile)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > pendingLimit {
		return nil, fmt.Errorf("ca: %s is not the journal pgcert writes (a regular file of serial numbers); move it away", path)
	}
	data, err := readBounded(path, pendingLimit)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		n, ok := new(big.Int).SetString(line, 16)
		if !ok || n.Sign() < 0 {
			return nil, fmt.Errorf("ca: %s: %q is not a serial number; move the file away", path, line)
		}
		out[SerialHex(n.Bytes())] = true
	}
	return out, nil
}
