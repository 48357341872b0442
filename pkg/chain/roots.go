package chain

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

// DefaultExpiryWarning is how long before a CA expires RootsOptions warns about it: a
// month leaves time to roll a new root out to every client's root.crt.
const DefaultExpiryWarning = 30 * 24 * time.Hour

// RootsOptions configures BuildRoots.
type RootsOptions struct {
	// Now is the time validity is judged at; required.
	Now time.Time
	// AllowLeaf accepts a self-signed certificate that is not a CA, for a client's
	// root.crt that pins a self-signed server certificate (OpenSSL trusts such a
	// certificate for itself only).
	AllowLeaf bool
	// ExpiryWarning is how close to its expiry a certificate draws a warning; zero
	// means DefaultExpiryWarning.
	ExpiryWarning time.Duration
}

// Roots is a trust bundle: the contents of root.crt or ssl_ca_file.
type Roots struct {
	// Certs are the distinct certificates, sorted by subject (RFC 2253 text), then by
	// SHA-256 fingerprint, so that the same inputs always give the same file, whatever
	// order they came in. OpenSSL reads the whole file and does not care about order.
	Certs []Input
	// Duplicates are the exact copies that were dropped.
	Duplicates []Input
	// Warnings hold *ExpiredError for expired or not yet valid certificates,
	// *ExpiresSoonError for those expiring within the warning window, and
	// *MissingIssuerError for an intermediate whose issuer is not in the bundle:
	// OpenSSL trusts a chain only when it reaches a self-signed certificate, so such an
	// intermediate alone anchors nothing ("unable to get issuer certificate").
	Warnings []error
	now      time.Time
}

// BuildRoots makes a trust bundle from CA certificates. It drops exact duplicates and
// refuses a certificate that cannot act as a trust anchor (a *NotCAError naming it):
// one OpenSSL's check_ca rejects, unless AllowLeaf is set and it is self-signed.
func BuildRoots(inputs []Input, opts RootsOptions) (*Roots, error) {
	if opts.Now.IsZero() {
		return nil, ErrNoTime
	}
	window := opts.ExpiryWarning
	if window == 0 {
		window = DefaultExpiryWarning
	}
	pool := dedup(inputs, nil)
	r := &Roots{Duplicates: pool.duplicates, now: opts.Now}
	for _, n := range pool.nodes {
		if e := notCA(n.Input); e != nil {
			if !opts.AllowLeaf || !selfSigned(n.Cert) {
				if opts.AllowLeaf {
					e.Reason += ", and it is not self-signed, so it cannot be trusted on its own"
				}
				return nil, e
			}
		}
		r.Certs = append(r.Certs, n.Input)
	}
	type sortKey struct{ subject, fingerprint string }
	keys := make(map[*x509.Certificate]sortKey, len(r.Certs))
	for _, in := range r.Certs {
		keys[in.Cert] = sortKey{Subject(in.Cert), Fingerprint(in.Cert)}
	}
	sort.SliceStable(r.Certs, func(i, j int) bool {
		a, b := keys[r.Certs[i].Cert], keys[r.Certs[j].Cert]
		if a.subject != b.subject {
			return a.subject < b.subject
		}
		return a.fingerprint < b.fingerprint
	})
	for _, in := range r.Certs {
		c := in.Cert
		if e := validity(in, opts.Now); e != nil {
			r.Warnings = append(r.Warnings, e)
		} else if c.NotAfter.Sub(opts.Now) <= window {
			r.Warnings = append(r.Warnings, &ExpiresSoonError{Cert: in, Now: opts.Now})
		}
		if !selfSigned(c) && !r.hasIssuer(c.RawIssuer) {
			r.Warnings = append(r.Warnings, &MissingIssuerError{Cert: in, Issuer: c.Issuer.String(), AuthorityKeyID: c.AuthorityKeyId})
		}
	}
	return r, nil
}

func (r *Roots) hasIssuer(rawIssuer []byte) bool {
	for _, in := range r.Certs {
		if sameName(rawIssuer, in.Cert.RawSubject) {
			return true
		}
	}
	return false
}

// PEM encodes the bundle: each CERTIFICATE block preceded by a comment line naming its
// subject and expiry, e.g.
//
//	# subject: CN=Example Root, expires 2036-05-01 (in 3650 days)
//
// OpenSSL (and so libpq and the server) skips text outside PEM blocks. The comment is
// kept to one short line of printable ASCII, so that no subject can forge a PEM
// boundary or be split by OpenSSL's line reader.
func (r *Roots) PEM() []byte {
	var buf bytes.Buffer
	for _, in := range r.Certs {
		c := in.Cert
		verb := "expires"
		if !r.now.Before(c.NotAfter) {
			verb = "expired"
		}
		fmt.Fprintf(&buf, "# subject: %s, %s %s (%s)\n", commentSafe(Subject(c)), verb, c.NotAfter.UTC().Format(time.DateOnly), daysText(c.NotAfter, r.now))
		buf.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return buf.Bytes()
}

// maxCommentSubject keeps comment lines well under the 256-byte buffer OpenSSL's PEM
// reader reads lines with.
const maxCommentSubject = 160

// commentSafe escapes everything but printable ASCII as \uXXXX and shortens the text,
// never cutting an escape in two.
func commentSafe(s string) string {
	var sb strings.Builder
	for _, r := range s {
		piece := string(r)
		if r >= 0x80 || !unicode.IsPrint(r) {
			piece = fmt.Sprintf(`\u%04x`, r)
		}
		if sb.Len()+len(piece) > maxCommentSubject-3 {
			sb.WriteString("...")
			break
		}
		sb.WriteString(piece)
	}
	return sb.String()
}
