package chain

import (
	"crypto/x509"

	"github.com/pgcert/pgcert/pkg/x509name"
)

// sameName reports whether two DER-encoded names are equal the way OpenSSL's
// X509_NAME_cmp decides (see x509name.Equal).
func sameName(a, b []byte) bool { return x509name.Equal(a, b) }

// issuedByName reports whether parent's subject names child's issuer.
func issuedByName(child, parent *x509.Certificate) bool {
	return sameName(child.RawIssuer, parent.RawSubject)
}

// selfIssued reports whether the certificate names itself as its issuer.
func selfIssued(c *x509.Certificate) bool {
	return sameName(c.RawIssuer, c.RawSubject)
}
