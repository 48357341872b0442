package rotate

import (
	"context"
	"crypto"
	"crypto/x509"
	"io"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// StepRemote is a running step-ca as the Remote of a renewal: renewal over
// mutual TLS with the current certificate (no password), its published CRL,
// and the root's CRL when RootKey is given.
type StepRemote struct {
	Client *stepca.Client
	// Provisioner is recorded in the data directory, for later commands.
	Provisioner string
	// RootKey is the root's private key, nil when it is offline.
	RootKey crypto.Signer
	// Context bounds the requests (nil: context.Background); Rand is the
	// root CRL's signature randomness (nil: crypto/rand).
	Context context.Context
	Rand    io.Reader
}

func (s *StepRemote) ctx() context.Context {
	if s.Context == nil {
		return context.Background()
	}
	return s.Context
}

// Name is the step-ca's address.
func (s *StepRemote) Name() string { return s.Client.URL }

// Root is the step-ca's root certificate.
func (s *StepRemote) Root() *x509.Certificate { return s.Client.Root }

// Renew renews leaf with step-ca's /1.0/renew.
func (s *StepRemote) Renew(leaf *x509.Certificate, intermediates []*x509.Certificate, key crypto.Signer) (*x509.Certificate, []*x509.Certificate, error) {
	is, err := s.Client.Renew(s.ctx(), &stepca.Issued{Cert: leaf, Intermediates: intermediates}, key)
	if err != nil {
		return nil, nil, err
	}
	return is.Cert, is.Intermediates, nil
}

// FetchCRL gets step-ca's CRL, checked.
func (s *StepRemote) FetchCRL(intermediates []*x509.Certificate) (*x509.RevocationList, []byte, error) {
	c, err := s.Client.FetchCRL(s.ctx(), intermediates)
	if err != nil {
		return nil, nil, err
	}
	return c.List, c.PEM, nil
}

// RootCRL signs an empty CRL of the root with RootKey (bootstrap.StepRootCRL),
// or returns ErrNoRootKey.
func (s *StepRemote) RootCRL(now time.Time) ([]byte, error) {
	if s.RootKey == nil {
		return nil, ErrNoRootKey
	}
	return bootstrap.StepRootCRL(s.Client.Root, s.RootKey, now, s.Rand)
}

// Record is the data directory's record of the step-ca.
func (s *StepRemote) Record() []byte {
	return ca.StepRecord{URL: s.Client.URL, RootSHA256: stepca.Fingerprint(s.Client.Root), Provisioner: s.Provisioner}.Marshal()
}
