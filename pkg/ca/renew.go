package ca

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// ErrNotRenewable is returned by Renewal for a certificate that is neither a server
// nor a client certificate: a CA, or a leaf without serverAuth or clientAuth.
var ErrNotRenewable = errors.New("ca: only server and client certificates can be renewed (extended key usage serverAuth or clientAuth)")

// Renewal returns the request for a certificate that replaces old: the same profile
// (a server certificate when old's extended key usage includes serverAuth, else a
// client certificate for clientAuth), the same subject byte for byte, so that the
// cert method still logs a client in as the same role, and the same subject
// alternative names, so that every name clients reach a server by still matches
// with verify-full. The key certified is pub: old's own key when the renewal keeps
// it. The caller sets Days, Now and Rand.
func Renewal(old *x509.Certificate, pub crypto.PublicKey) (Request, error) {
	if old.BasicConstraintsValid && old.IsCA {
		return Request{}, ErrNotRenewable
	}
	var p selfsign.Profile
	switch {
	case slices.Contains(old.ExtKeyUsage, x509.ExtKeyUsageServerAuth):
		p = selfsign.ServerLeaf
	case slices.Contains(old.ExtKeyUsage, x509.ExtKeyUsageClientAuth):
		p = selfsign.ClientLeaf
	default:
		return Request{}, ErrNotRenewable
	}
	return Request{
		Profile:    p,
		RawSubject: bytes.Clone(old.RawSubject),
		SANs: selfsign.SANs{
			DNS:   slices.Clone(old.DNSNames),
			IP:    slices.Clone(old.IPAddresses),
			Email: slices.Clone(old.EmailAddresses),
			URI:   slices.Clone(old.URIs),
		},
		PublicKey: pub,
	}, nil
}

// Latest returns the certificate whose index line is the last valid one for
// rawSubject: the newest the CA issued under that name (index.txt is in issue order)
// that is neither revoked nor expired at now. It reads the certificate from its copy
// in newcerts/. It returns nil, nil when the index holds none.
func (c *CA) Latest(rawSubject []byte, now time.Time) (*x509.Certificate, error) {
	name, err := OneLineName(rawSubject)
	if err != nil {
		return nil, err
	}
	records, err := c.List()
	if err != nil {
		return nil, err
	}
	for i := len(records) - 1; i >= 0; i-- {
		r := records[i]
		if r.Entry.Status != StatusValid || string(r.Entry.Subject) != name || !now.Before(r.Entry.Expires) || r.File == "" {
			continue
		}
		data, err := os.ReadFile(r.File)
		if err != nil {
			return nil, fmt.Errorf("ca: %w", err)
		}
		certs, err := chain.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("ca: %s: %w", r.File, err)
		}
		return certs[0], nil
	}
	return nil, nil
}
