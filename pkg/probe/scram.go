package probe

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// SCRAMError is the error libpq reports for a SCRAM password login over SSL.
const SCRAMError = "could not find digest for NID UNDEF"

// Ed25519 and Ed448 signature algorithms (RFC 8410). Go's crypto/x509 knows only the
// first, so the second is read from the certificate's own signatureAlgorithm.
var (
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidEd448   = asn1.ObjectIdentifier{1, 3, 101, 113}
)

// EdDSASigned reports whether c's signature is EdDSA (Ed25519 or Ed448). Such a
// server certificate breaks SCRAM password logins over SSL, even with libpq's
// default channel_binding=prefer: the tls-server-end-point channel binding (RFC
// 5929) hashes the server certificate with its signature's hash, and EdDSA names
// none, so libpq fails with SCRAMError. A leaf with an Ed25519 key signed by an
// ECDSA or RSA CA is fine: only the signature counts.
func EdDSASigned(c *x509.Certificate) bool {
	if c.SignatureAlgorithm == x509.PureEd25519 {
		return true
	}
	var outer struct {
		TBS       asn1.RawValue
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.Raw, &outer); err != nil {
		return false
	}
	return outer.Algorithm.Algorithm.Equal(oidEd25519) || outer.Algorithm.Algorithm.Equal(oidEd448)
}
