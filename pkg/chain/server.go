package chain

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pgcert/pgcert/pkg/keys"
)

// MaxCertList is the largest certificate list OpenSSL accepts from a peer in a
// handshake (SSL_MAX_CERT_LIST_DEFAULT, 100 KiB): libpq and the server both refuse a
// longer one ("excessive message size"), so a server.crt over it cannot work.
const MaxCertList = 100 << 10

// TooLargeError is a chain of more than MaxCertList bytes.
type TooLargeError struct{ Size int }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("chain: the chain is %d bytes: OpenSSL refuses a certificate list over %d KiB in a handshake (excessive message size)", e.Size, MaxCertList>>10)
}

// UntrustedRootError is a chain that ends at a self-signed root of the inputs which
// the trusted roots (ServerOptions.Roots) do not hold: clients that trust only those
// would refuse it.
type UntrustedRootError struct{ Root Input }

func (e *UntrustedRootError) Error() string {
	return fmt.Sprintf("chain: the chain ends at the root %s, which is not among the trusted roots", e.Root)
}

// UnreachedRootError is a chain with an issuer missing while a root is among the
// inputs: the gap is a missing intermediate, not a root left for the clients to hold.
type UnreachedRootError struct {
	Missing *MissingIssuerError
	Root    Input
}

func (e *UnreachedRootError) Error() string { return e.Missing.Error() }
func (e *UnreachedRootError) Unwrap() error { return e.Missing }

// ServerOptions says how PlanServerChain builds server.crt.
type ServerOptions struct {
	// Now is the time validity is judged at; required.
	Now time.Time
	// Key is the public key of server.key, which picks the leaf; nil means the only
	// certificate that is not a CA.
	Key crypto.PublicKey
	// Roots are the roots clients trust (root.crt): the chain must reach one.
	Roots []Input
	// AllowExpired turns expired and not yet valid certificates into warnings.
	AllowExpired bool
	// NoRoot leaves the root out of the file.
	NoRoot bool
}

// ServerChain is server.crt as PlanServerChain planned it.
type ServerChain struct {
	*Path
	// Problems are the reasons not to write the file, each an error of Build
	// (*MissingIssuerError, *SignatureError, ...), *TooLargeError,
	// *UntrustedRootError or *UnreachedRootError. A broken signature hides the
	// missing issuer it causes: the issuer is there but did not sign, and that is
	// what to fix.
	Problems []error
	// WithRoot says whether the root goes into the file: when it holds more than one
	// certificate, as the PostgreSQL manual advises, unless NoRoot.
	WithRoot bool
	// RootLeftOut says that the root was left out because the leaf is signed by the
	// root itself: server.crt then holds the leaf alone, and clients the root.
	RootLeftOut bool
}

// PlanServerChain orders a pile of certificates into server.crt (see Build) and
// decides what the server and its clients would refuse in it. An error means no leaf
// could be chosen (*KeyMismatchError, *AmbiguousLeafError, ErrNoLeaf); everything
// else is in the result, so that a caller can show the path it refuses.
func PlanServerChain(inputs []Input, o ServerOptions) (*ServerChain, error) {
	path, err := Build(inputs, BuildOptions{Now: o.Now, Key: o.Key, Roots: o.Roots, AllowExpired: o.AllowExpired, RequireRoot: len(o.Roots) > 0})
	if path == nil {
		return nil, err
	}
	s := &ServerChain{Path: path, Problems: unjoin(err)}
	size := 0
	for _, c := range path.Certs {
		size += len(c.Cert.Raw)
	}
	if size > MaxCertList {
		s.Problems = append(s.Problems, &TooLargeError{Size: size})
	}
	if top, ok := path.Root(); ok && len(o.Roots) > 0 && !amongRoots(top, o.Roots) {
		s.Problems = append(s.Problems, &UntrustedRootError{Root: top})
	}
	if brokenIssuer(s.Problems) {
		s.Problems = slices.DeleteFunc(s.Problems, func(e error) bool {
			var missing *MissingIssuerError
			return errors.As(e, &missing)
		})
	} else if path.Missing != nil && len(o.Roots) == 0 {
		if root, ok := unreachedRoot(path); ok {
			s.Problems = append(s.Problems, &UnreachedRootError{Missing: path.Missing, Root: root})
		}
	}
	_, hasRoot := path.Root()
	s.WithRoot = hasRoot && !o.NoRoot && len(path.Intermediates()) > 0
	s.RootLeftOut = hasRoot && !s.WithRoot && !o.NoRoot
	return s, nil
}

// PEM is the content of server.crt.
func (s *ServerChain) PEM() []byte { return s.Path.PEM(s.WithRoot) }

// Written is the number of certificates in server.crt.
func (s *ServerChain) Written() int { return len(s.Path.Chain(s.WithRoot)) }

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// unreachedRoot returns a root (a self-issued CA certificate) among the inputs the
// path did not reach.
func unreachedRoot(path *Path) (Input, bool) {
	for _, in := range path.Unrelated {
		c := in.Cert
		if c.IsCA && bytes.Equal(c.RawIssuer, c.RawSubject) {
			return in, true
		}
	}
	return Input{}, false
}

// brokenIssuer reports whether problems say that a certificate carrying the issuer's
// name is among the inputs but did not sign.
func brokenIssuer(problems []error) bool {
	for _, e := range problems {
		var sig *SignatureError
		var keyID *KeyIDMismatchError
		if errors.As(e, &sig) || errors.As(e, &keyID) {
			return true
		}
	}
	return false
}

// amongRoots reports whether the root c is one of roots: the same name and key, as
// a verifier that trusts roots finds it.
func amongRoots(c Input, roots []Input) bool {
	for _, r := range roots {
		if bytes.Equal(r.Cert.RawSubject, c.Cert.RawSubject) && keys.PublicKeysEqual(r.Cert.PublicKey, c.Cert.PublicKey) {
			return true
		}
	}
	return false
}
