package chain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNoTime is returned when options carry a zero Now: validity cannot be judged
// without a time, and the package never reads the clock itself.
var ErrNoTime = errors.New("chain: no time given to judge validity against")

// ErrNoLeaf is returned by FindLeaf and Build when every input certificate issues
// another one, so none can be the leaf (only a loop of cross-signed CAs does that).
var ErrNoLeaf = errors.New("chain: no leaf certificate among the inputs")

// AmbiguousLeafError is returned when more than one certificate could be the leaf.
// Candidates lists them in input order; a key (--key) picks one.
type AmbiguousLeafError struct {
	Candidates []Input
	ByKey      bool // the candidates all carry the given public key
}

func (e *AmbiguousLeafError) Error() string {
	what := "certificates that issue no other"
	if e.ByKey {
		what = "certificates with the given key"
	}
	return fmt.Sprintf("chain: %d %s could be the leaf: %s", len(e.Candidates), what, list(e.Candidates))
}

// KeyMismatchError is returned when no input certificate carries the given public key.
// Leaves lists the certificates that would otherwise have been the leaf.
type KeyMismatchError struct {
	Leaves []Input
}

func (e *KeyMismatchError) Error() string {
	if len(e.Leaves) == 0 {
		return "chain: no certificate matches the private key"
	}
	return "chain: the private key does not match the certificate " + list(e.Leaves)
}

// MissingIssuerError says that no input issued Cert: the issuer named Issuer (with
// authority key identifier AuthorityKeyID, when the certificate carries one) is missing.
type MissingIssuerError struct {
	Cert           Input
	Issuer         string // RFC 2253 form of Cert's issuer name
	AuthorityKeyID []byte
}

func (e *MissingIssuerError) Error() string {
	s := fmt.Sprintf("chain: the issuer of %s is missing: %q", e.Cert, e.Issuer)
	if len(e.AuthorityKeyID) > 0 {
		s += " with key identifier " + colonHex(e.AuthorityKeyID)
	}
	return s
}

// SignatureError says that Issuer carries the name (and key identifier, when
// KeyIDMatches) of Cert's issuer, but its key did not sign Cert: a corrupted
// certificate, or a CA re-keyed under the same name.
type SignatureError struct {
	Cert         Input
	Issuer       Input
	KeyIDMatches bool
	Err          error
}

func (e *SignatureError) Error() string {
	s := fmt.Sprintf("chain: the signature of %s does not verify with the key of %s", e.Cert, e.Issuer)
	if !e.KeyIDMatches {
		s += " (a different key under the same name)"
	}
	return s
}

func (e *SignatureError) Unwrap() error { return e.Err }

// KeyIDMismatchError says that Issuer signed Cert, but Cert's authority key identifier
// (key id, issuer name or serial number) names another certificate — typically a CA
// certificate re-issued with a new serial. OpenSSL pairs certificates by that
// identifier, so it will not take Issuer as Cert's issuer.
type KeyIDMismatchError struct {
	Cert   Input
	Issuer Input
}

func (e *KeyIDMismatchError) Error() string {
	return fmt.Sprintf("chain: %s was signed by the key of %s, but its authority key identifier names another certificate", e.Cert, e.Issuer)
}

// NotCAError says that Cert issues another certificate in the path (or was given as a
// trust anchor) but may not act as a CA; Reason says why, in OpenSSL's terms.
type NotCAError struct {
	Cert          Input
	Reason        string
	NoKeyCertSign bool // keyUsage is present without keyCertSign (else the basicConstraints are at fault)
	SelfSigned    bool // a self-signed leaf: a trust bundle takes it with RootsOptions.AllowLeaf
}

func (e *NotCAError) Error() string {
	return fmt.Sprintf("chain: %s is not a CA certificate: %s", e.Cert, e.Reason)
}

// PathLenError says that Cert's basicConstraints pathlen allows MaxPathLen CA
// certificates below it and the path has Below.
type PathLenError struct {
	Cert       Input
	MaxPathLen int
	Below      int
}

func (e *PathLenError) Error() string {
	return fmt.Sprintf("chain: %s allows %d intermediate CA certificates below it (pathlen), the path has %d", e.Cert, e.MaxPathLen, e.Below)
}

// ExpiredError says that Cert is not valid at Now: expired, or (NotYetValid) not
// valid yet.
type ExpiredError struct {
	Cert        Input
	Now         time.Time
	NotYetValid bool
}

func (e *ExpiredError) Error() string {
	c := e.Cert.Cert
	if e.NotYetValid {
		return fmt.Sprintf("chain: %s is not valid until %s", e.Cert, c.NotBefore.UTC().Format(time.DateOnly))
	}
	return fmt.Sprintf("chain: %s expired on %s (%s)", e.Cert, c.NotAfter.UTC().Format(time.DateOnly), daysText(c.NotAfter, e.Now))
}

// ExpiresSoonError is a warning: Cert is valid at Now but expires within the warning
// window.
type ExpiresSoonError struct {
	Cert Input
	Now  time.Time
}

func (e *ExpiresSoonError) Error() string {
	c := e.Cert.Cert
	return fmt.Sprintf("chain: %s expires on %s (%s)", e.Cert, c.NotAfter.UTC().Format(time.DateOnly), daysText(c.NotAfter, e.Now))
}

// daysText says how far t is from now in whole days: "in 12 days", "3 days ago".
func daysText(t, now time.Time) string {
	d := daysUntil(t, now)
	switch {
	case d == 0:
		return "today"
	case d == 1:
		return "in 1 day"
	case d > 1:
		return fmt.Sprintf("in %d days", d)
	case d == -1:
		return "1 day ago"
	default:
		return fmt.Sprintf("%d days ago", -d)
	}
}

// daysUntil counts whole days from now to t, rounding toward zero.
func daysUntil(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

func list(ins []Input) string {
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.String()
	}
	return strings.Join(names, "; ")
}
