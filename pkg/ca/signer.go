package ca

import (
	"crypto"
	"crypto/x509"
	"io"
	"time"

	"github.com/pgcert/pgcert/pkg/notify"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Reporter hears what a person should know on the way: a certificate cut to
// its CA's lifetime, a symbolic link replaced by a new file, a revocation done
// before.
type Reporter = notify.Reporter

// Order is what a Signer certifies: Key's public half (the key stays here) for
// Names, or CSR, a request whose key is elsewhere.
type Order struct {
	// Profile is selfsign.ServerLeaf or selfsign.ClientLeaf.
	Profile selfsign.Profile
	// Names are a server's host names, the first its Common Name, or a client's
	// role alone; Key is the key certified for them.
	Names []string
	Key   crypto.Signer
	// CSR, when set, is certified instead of Key for Names: its subject and
	// names, as CSRRequest reads them. RequestFile names it in errors.
	CSR         *x509.CertificateRequest
	RequestFile string
	// Days is the validity, cut to the CA's; 0 means the profile's default.
	Days int
	// Now is the issue time; Rand draws serials and signatures (nil means
	// crypto/rand).
	Now  time.Time
	Rand io.Reader
}

// Signer is what certifies for the ca issue and sign commands: a CA directory
// (DirSigner) or a step-ca (stepca.Signer), so that each command is one flow
// whichever CA signs.
type Signer interface {
	// Home is the directory client bundles go under by default
	// (HOME/clients/ROLE).
	Home() (string, error)
	// Open makes the signer ready (a CA directory's keys unlocked, a step-ca
	// reached) and returns the CA whose root bundles carry.
	Open() (*CA, error)
	// Sign certifies o after Open; the CA returned is the certificate's chain.
	// Its errors carry their hints.
	Sign(o Order) (*CA, *Issued, error)
	// RootCertFile is the root certificate file clients verify with, "" when
	// there is none on this machine.
	RootCertFile() string
}

// DirSigner is a Signer of a CA directory.
type DirSigner struct {
	// Dir returns the CA directory (the --ca-dir and -D decision, DirFor); it is
	// asked once.
	Dir func() (string, error)
	// OpenCA opens the CA in dir; Unlock, when set, then loads its keys
	// (UnlockAll), perhaps asking for a passphrase.
	OpenCA func(dir string) (*CA, error)
	Unlock func(c *CA) error

	dir string
	c   *CA
}

// Home is the CA directory: bundles go in its clients directory.
func (s *DirSigner) Home() (string, error) {
	if s.dir == "" {
		d, err := s.Dir()
		if err != nil {
			return "", err
		}
		s.dir = d
	}
	return s.dir, nil
}

// Open opens and unlocks the CA directory.
func (s *DirSigner) Open() (*CA, error) {
	dir, err := s.Home()
	if err != nil {
		return nil, err
	}
	if s.c, err = s.OpenCA(dir); err != nil {
		return nil, err
	}
	if s.Unlock != nil {
		if err := s.Unlock(s.c); err != nil {
			return nil, err
		}
	}
	return s.c, nil
}

// Sign issues o from the CA directory, with IssueHint's or SignHint's hints.
func (s *DirSigner) Sign(o Order) (*CA, *Issued, error) {
	var r Request
	var err error
	switch {
	case o.CSR != nil:
		if r, err = CSRRequest(o.CSR, o.Profile); err != nil {
			return s.c, nil, SignHint(s.c, o.RequestFile, err)
		}
	case o.Profile == selfsign.ClientLeaf:
		r = ClientRequest(o.Names[0], o.Key.Public())
	default:
		if r, err = ServerRequest(o.Names, o.Key.Public()); err != nil {
			return nil, nil, err
		}
	}
	r.Days, r.Now, r.Rand = o.Days, o.Now, o.Rand
	is, err := s.c.Issue(r)
	switch {
	case err != nil && o.CSR != nil:
		return s.c, nil, SignHint(s.c, o.RequestFile, err)
	case err != nil:
		return s.c, nil, IssueHint(s.c, err)
	}
	return s.c, is, nil
}

// RootCertFile is the root's ca.crt in its CA directory.
func (s *DirSigner) RootCertFile() string {
	cas := s.c.CAs()
	return cas[len(cas)-1].CertPath()
}

// noteClamp warns when a certificate was cut to its CA's lifetime.
func noteClamp(rep Reporter, is *Issued) {
	if note := is.ClampNote(); note != "" {
		rep.Warnf("%s", note)
	}
}
