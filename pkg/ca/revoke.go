package ca

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// NotFoundError is returned by Revoke for a serial that no index of the chain lists.
type NotFoundError struct {
	Serial *big.Int
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("ca: no certificate with serial %s in the CA's index", SerialHex(e.Serial.Bytes()))
}

// AlreadyRevokedError is returned by Revoke for a certificate already revoked.
type AlreadyRevokedError struct {
	Entry *Entry
}

func (e *AlreadyRevokedError) Error() string {
	return fmt.Sprintf("ca: certificate %s is already revoked (since %s)", SerialHex(e.Entry.Serial), e.Entry.Revoked.UTC().Format(time.RFC3339))
}

// Revocation is the result of Revoke.
type Revocation struct {
	// Entry is the index entry as now recorded.
	Entry *Entry
	// CA is the CA whose index lists the certificate: the issuing CA, or the root
	// for the intermediate itself.
	CA *CA
}

// Revoke marks the certificate with serial as revoked at now with reason
// (ReasonNone records no reason, and the CRL entry then carries none). It looks in
// the issuing CA's index, then in its parents' (revoking an intermediate is recorded
// by the root). Like openssl ca -revoke, it rewrites index.txt whole, under the lock.
// It needs no private key: the revocation takes effect in the next CRL.
//
// Errors: *NotFoundError, *AlreadyRevokedError.
func (c *CA) Revoke(serial *big.Int, reason Reason, now time.Time) (*Revocation, error) {
	if reason != ReasonNone && !reason.inIndex() {
		return nil, fmt.Errorf("ca: reason %s cannot be recorded in an openssl index", reason)
	}
	for x := c; x != nil; x = x.Parent {
		e, err := x.revoke(serial, reason, now)
		if err != nil {
			var nf *NotFoundError
			if errors.As(err, &nf) {
				continue
			}
			return nil, err
		}
		return &Revocation{Entry: e, CA: x}, nil
	}
	return nil, &NotFoundError{Serial: serial}
}

func (c *CA) revoke(serial *big.Int, reason Reason, now time.Time) (*Entry, error) {
	_, unlock, err := c.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	path := filepath.Join(c.Dir, IndexFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	want := SerialHex(serial.Bytes())
	start, end, line, err := findSerialLine(f, want)
	if err != nil {
		return nil, fmt.Errorf("ca: reading %s: %w", path, err)
	}
	if line == nil {
		return nil, &NotFoundError{Serial: serial}
	}
	entries, err := ReadIndex(bytes.NewReader(append(line, '\n')))
	if err != nil || len(entries) != 1 {
		return nil, fmt.Errorf("ca: %s: the line of serial %s: %v", path, want, err)
	}
	e := entries[0]
	if e.Status == StatusRevoked {
		return nil, &AlreadyRevokedError{Entry: e}
	}
	e.Status = StatusRevoked
	e.Revoked = now.UTC().Truncate(time.Second)
	e.Reason = reason
	nl, err := AppendEntry(nil, e)
	if err != nil {
		return nil, err
	}
	// The new index is the old one with that line replaced, copied through without
	// holding the file in memory. A last line without its newline gets one, as
	// openssl writes every line.
	size := fi.Size()
	fill := func(w io.Writer) error {
		if _, err := io.Copy(w, io.NewSectionReader(f, 0, start)); err != nil {
			return err
		}
		if _, err := w.Write(nl); err != nil {
			return err
		}
		if _, err := io.Copy(w, io.NewSectionReader(f, end, size-end)); err != nil {
			return err
		}
		if size > end && !endsWithNewline(f, size) {
			_, err := w.Write([]byte{'\n'})
			return err
		}
		return nil
	}
	if _, err := fsutil.WriteFileFunc(path, fsutil.Options{Mode: fi.Mode().Perm(), Force: true}, fill); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	return e, nil
}

// findSerialLine returns the first index line of f whose serial is want (as SerialHex
// writes it), without its newline, and the offsets of the line and of what follows
// its newline; line is nil when no line has that serial. It reads f a buffer at a
// time and parses only the lines whose serial field can match.
func findSerialLine(f *os.File, want string) (start, end int64, line []byte, err error) {
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, 1<<62), MaxIndexLine+2)
	trimmed := strings.TrimLeft(want, "0")
	var off int64
	for {
		raw, err := r.ReadSlice('\n')
		if len(raw) > 0 {
			l := bytes.TrimSuffix(raw, []byte{'\n'})
			if len(l) > 0 && l[0] != '#' && serialFieldMay(l, trimmed) && lineSerial(l) == want {
				return off, off + int64(len(raw)), bytes.Clone(l), nil
			}
			off += int64(len(raw))
		}
		if err == io.EOF {
			return 0, 0, nil, nil
		}
		if err != nil {
			return 0, 0, nil, err
		}
	}
}

// serialFieldMay reports whether the serial field of line (the fourth) can hold the
// serial whose digits without leading zeros are trimmed: a cheap test that lets
// findSerialLine parse one line instead of a million. It never rejects a line
// lineSerial would match.
func serialFieldMay(line []byte, trimmed string) bool {
	field := line
	for range 3 {
		i := bytes.IndexByte(field, '\t')
		if i < 0 {
			return false
		}
		field = field[i+1:]
	}
	if i := bytes.IndexByte(field, '\t'); i >= 0 {
		field = field[:i]
	}
	field = bytes.TrimLeft(bytes.TrimPrefix(field, []byte{'+'}), "0")
	return bytes.EqualFold(field, []byte(trimmed))
}

// endsWithNewline reports whether the file of size bytes ends with a newline.
func endsWithNewline(f *os.File, size int64) bool {
	b := make([]byte, 1)
	_, err := f.ReadAt(b, size-1)
	return err == nil && b[0] == '\n'
}

// lineSerial returns the serial field of an index line, normalised as SerialHex
// writes it, or "" when the line has fewer than four fields. The fields before it
// (status, dates, revocation) never hold a tab or a backslash, so a plain split finds
// it.
func lineSerial(line []byte) string {
	f := bytes.SplitN(line, []byte{'\t'}, 5)
	if len(f) < 5 {
		return ""
	}
	n, ok := new(big.Int).SetString(string(f[3]), 16)
	if !ok || n.Sign() < 0 {
		return ""
	}
	return SerialHex(n.Bytes())
}
