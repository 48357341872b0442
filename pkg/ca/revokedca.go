package ca

import (
	"bytes"
	"fmt"
	"time"
)

// RevokedCAError is returned by Issue and IssueAll when the issuing CA (or a CA above
// it) is revoked in its parent's index: every certificate it signed would be refused
// by the server once the parent's CRL is in root.crl ("certificate revoked"), so it
// signs nothing more.
type RevokedCAError struct {
	CA      string // the revoked CA's subject
	Revoked time.Time
	Reason  Reason
}

func (e *RevokedCAError) Error() string {
	return fmt.Sprintf("ca: the CA %q was revoked on %s (%s): it signs no more certificates, and the server refuses those it signed",
		e.CA, e.Revoked.UTC().Format(time.DateOnly), e.Reason)
}

// checkNotRevoked looks for c, and every CA above it, in its parent's index, and
// returns a *RevokedCAError for one marked revoked there. The parents' indexes are
// read as complete lines, without their locks: a revocation is one whole line.
func (c *CA) checkNotRevoked() error {
	for x := c; x.Parent != nil; x = x.Parent {
		serial := x.Cert.SerialNumber.Bytes()
		var found *RevokedCAError
		err := x.Parent.scanIndexSnapshot(func(e *Entry) error {
			if found == nil && e.Status == StatusRevoked && bytes.Equal(bytes.TrimLeft(e.Serial, "\x00"), bytes.TrimLeft(serial, "\x00")) {
				found = &RevokedCAError{CA: x.Cert.Subject.String(), Revoked: e.Revoked, Reason: e.Reason}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if found != nil {
			return found
		}
	}
	return nil
}
