package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
)

// RevokeOptions say what RevokeWith revokes: the first certificate of Certs
// (read from CertFile, which errors name), else Serial.
type RevokeOptions struct {
	Certs    []*x509.Certificate
	CertFile string
	Serial   *big.Int
	Reason   Reason
	Now      time.Time
}

// RevokeWith revokes as ca revoke does: a certificate (RevokeCert) or a serial
// (Revoke), with errors that say what to do (RevokeHint; a certificate of
// another CA is refused, naming the CA directory).
func (c *CA) RevokeWith(o RevokeOptions) (*Revocation, error) {
	if len(o.Certs) > 0 {
		rv, err := c.RevokeCert(o.Certs[0], o.Reason, o.Now)
		if errors.Is(err, ErrNotIssued) {
			return nil, hint.Errorf([]string{"revoke it with the CA that issued it (--ca-dir)"}, "%s was not issued by the CA in %s", o.CertFile, c.Dir)
		}
		return rv, RevokeHint(err)
	}
	rv, err := c.Revoke(o.Serial, o.Reason, o.Now)
	return rv, RevokeHint(err)
}

// WriteText writes the revocation in one line.
func (r RevokeReport) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "revoked %s (%s), reason %s, in %s\n", r.Serial, r.Subject, r.Reason, r.CADir)
	return err
}
