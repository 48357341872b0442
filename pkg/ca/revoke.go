package ca

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
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
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	want := SerialHex(serial.Bytes())
	var (
		out   []byte
		found *Entry
	)
	rest := data
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte{'\n'})
		rest = after
		if found == nil && len(line) > 0 && line[0] != '#' && lineSerial(line) == want {
			entries, err := ReadIndex(bytes.NewReader(append(bytes.Clone(line), '\n')))
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
			out = append(out, nl...)
			found = e
			continue
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	if found == nil {
		return nil, &NotFoundError{Serial: serial}
	}
	mode := indexMode
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if _, err := fsutil.WriteFile(path, out, fsutil.Options{Mode: mode, Force: true}); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	return found, nil
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
