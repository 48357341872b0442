package crl

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// UnknownIssuerError is returned by Merge for a CRL that none of the given CA
// certificates issued (no subject equal to the CRL's issuer with a matching key
// identifier), so that its signature cannot be checked.
type UnknownIssuerError struct {
	Issuer string
}

func (e *UnknownIssuerError) Error() string {
	return fmt.Sprintf("crl: no CA certificate given for the CRL of %s", e.Issuer)
}

// SignatureError is returned by Merge for a CRL whose signature no CA certificate of
// its issuer's name verifies.
type SignatureError struct {
	Issuer string
	Err    error
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("crl: the CRL of %s is not signed by its CA: %v", e.Issuer, e.Err)
}

func (e *SignatureError) Unwrap() error { return e.Err }

// ExpiredError is returned by Merge for a CRL whose nextUpdate has passed: OpenSSL
// would then reject every certificate of that CA.
type ExpiredError struct {
	Issuer     string
	NextUpdate time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("crl: the CRL of %s expired at %s", e.Issuer, e.NextUpdate.UTC().Format(time.RFC3339))
}

// NotYetValidError is returned by Merge for a CRL whose thisUpdate is still to come:
// OpenSSL would reject every certificate of that CA until then.
type NotYetValidError struct {
	Issuer     string
	ThisUpdate time.Time
}

func (e *NotYetValidError) Error() string {
	return fmt.Sprintf("crl: the CRL of %s is not valid before %s", e.Issuer, e.ThisUpdate.UTC().Format(time.RFC3339))
}

// Merged is the result of Merge.
type Merged struct {
	// CRLs holds the newest CRL of each CA, ordered as the CAs were given, and
	// Issuers the CA certificate that verified each (same index).
	CRLs    []*x509.RevocationList
	Issuers []*x509.Certificate
	// Superseded lists the CRLs dropped because their CA has a newer one.
	Superseded []*x509.RevocationList
	// OutOfDate lists kept CRLs that are expired or not yet valid, which Merge
	// accepted because allowExpired was set.
	OutOfDate []*x509.RevocationList
	// Missing lists the CA certificates with no CRL. When CRLs are configured,
	// PostgreSQL and libpq check every CA of a chain (CRL_CHECK_ALL), so any client
	// or server certificate under one of these is rejected.
	Missing []*x509.Certificate
}

// Merge prepares a set of CRLs for one CRL file (ssl_crl_file, sslcrl) or directory.
// It checks each CRL's signature against the CA certificates in cas (matched by
// subject and, when both have one, key identifier), keeps the newest CRL of each CA
// (highest CRL number, then latest thisUpdate; a CRL without a number counts as
// older than any with one), and refuses CRLs that are expired or not yet valid at
// now unless allowExpired is set. It reports which CAs of cas have no CRL; a
// certificate that is not a CA (basicConstraints CA:FALSE) is not expected to have
// one.
//
// The errors are *UnknownIssuerError, *SignatureError, *ExpiredError and
// *NotYetValidError, one per CRL at fault, joined with errors.Join.
func Merge(crls []*x509.RevocationList, cas []*x509.Certificate, now time.Time, allowExpired bool) (*Merged, error) {
	type group struct {
		ca    int // index in cas of the verifying certificate
		best  *x509.RevocationList
		older []*x509.RevocationList
	}
	var errs []error
	groups := map[string]*group{}
	bySubject := map[string][]int{}
	for i, ca := range cas {
		bySubject[string(ca.RawSubject)] = append(bySubject[string(ca.RawSubject)], i)
	}
	for _, c := range crls {
		ca, err := findIssuer(c, cas, bySubject[string(c.RawIssuer)])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		key := caIdentity(cas[ca])
		g, ok := groups[key]
		if !ok {
			g = &group{ca: ca}
			groups[key] = g
		}
		if g.best == nil || Newer(c, g.best) {
			if g.best != nil {
				g.older = append(g.older, g.best)
			}
			g.best = c
		} else {
			g.older = append(g.older, c)
		}
	}
	m := &Merged{}
	seen := map[string]bool{}
	for _, ca := range cas {
		key := caIdentity(ca)
		if seen[key] {
			continue
		}
		seen[key] = true
		g, ok := groups[key]
		if !ok {
			if !ca.BasicConstraintsValid || ca.IsCA {
				m.Missing = append(m.Missing, ca)
			}
			continue
		}
		c := g.best
		switch {
		case !c.NextUpdate.IsZero() && now.After(c.NextUpdate):
			if !allowExpired {
				errs = append(errs, &ExpiredError{Issuer: c.Issuer.String(), NextUpdate: c.NextUpdate})
				continue
			}
			m.OutOfDate = append(m.OutOfDate, c)
		case now.Before(c.ThisUpdate):
			if !allowExpired {
				errs = append(errs, &NotYetValidError{Issuer: c.Issuer.String(), ThisUpdate: c.ThisUpdate})
				continue
			}
			m.OutOfDate = append(m.OutOfDate, c)
		}
		m.CRLs = append(m.CRLs, c)
		m.Issuers = append(m.Issuers, cas[g.ca])
		m.Superseded = append(m.Superseded, g.older...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// caIdentity identifies a CA by subject and key, so that two certificates of the same
// CA (a renewal, a cross-signature) count as one.
func caIdentity(c *x509.Certificate) string {
	return string(c.RawSubject) + "\x00" + string(c.RawSubjectPublicKeyInfo)
}

// findIssuer returns the index in cas of the certificate that signed c, among
// candidates, the indexes of the CAs whose subject is c's issuer: looking them up by
// name keeps merging N CRLs of N CAs linear.
func findIssuer(c *x509.RevocationList, cas []*x509.Certificate, candidates []int) (int, error) {
	var sigErr error
	for _, i := range candidates {
		ca := cas[i]
		if len(c.AuthorityKeyId) > 0 && len(ca.SubjectKeyId) > 0 && !bytes.Equal(c.AuthorityKeyId, ca.SubjectKeyId) {
			continue
		}
		if err := c.CheckSignatureFrom(ca); err != nil {
			sigErr = err
			continue
		}
		return i, nil
	}
	if sigErr != nil {
		return 0, &SignatureError{Issuer: c.Issuer.String(), Err: sigErr}
	}
	return 0, &UnknownIssuerError{Issuer: c.Issuer.String()}
}

// Newer reports whether a supersedes b, two CRLs of one CA: a higher CRL number, else
// a later thisUpdate. A CRL without a number counts as older than any with one, since
// RFC 5280 requires the number and only very old tools leave it out.
func Newer(a, b *x509.RevocationList) bool {
	an, bn := a.Number, b.Number
	switch {
	case an != nil && bn == nil:
		return true
	case an == nil && bn != nil:
		return false
	case an != nil && bn != nil:
		if c := an.Cmp(bn); c != 0 {
			return c > 0
		}
	}
	return a.ThisUpdate.After(b.ThisUpdate)
}

// PEM encodes the merged CRLs as one file of PEM blocks, each preceded by a comment
// line naming its issuer, number and next update:
//
//	# issuer: CN=Example Root CA; number: 12; next update: 2026-12-01T12:00:00Z
//	-----BEGIN X509 CRL-----
//
// OpenSSL, and so the server and libpq, skip any line outside a PEM block, so the
// comments cost nothing; note that `openssl crl -in` reads the first CRL only.
func (m *Merged) PEM() []byte {
	var b bytes.Buffer
	for _, c := range m.CRLs {
		b.WriteString(Comment(c))
		b.WriteByte('\n')
		pem.Encode(&b, &pem.Block{Type: pemType, Bytes: c.Raw})
	}
	return b.Bytes()
}

// Comment returns the comment line Merged.PEM writes before c, without its newline.
// Control characters of the issuer name are escaped so that the line stays one line.
func Comment(c *x509.RevocationList) string {
	return comment(c.Issuer.String(), c.Number, c.NextUpdate)
}

func comment(issuer string, number *big.Int, next time.Time) string {
	var b strings.Builder
	b.WriteString("# issuer: ")
	b.WriteString(escapeControl(issuer))
	if number != nil {
		b.WriteString("; number: ")
		b.WriteString(number.String())
	}
	b.WriteString("; next update: ")
	if next.IsZero() {
		b.WriteString("none")
	} else {
		b.WriteString(next.UTC().Format(time.RFC3339))
	}
	return b.String()
}

func escapeControl(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
