package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// PublicKeyFingerprint returns the SHA-256 hash of the DER SubjectPublicKeyInfo of pub,
// as "SHA256:" followed by the hash in upper-case hexadecimal bytes separated by
// colons, the way openssl prints certificate fingerprints. It is the same for a key
// and for every certificate and request made with it, whatever the file format, and
// equals
//
//	openssl pkey -in KEY -pubout -outform DER | openssl dgst -sha256 -c
//
// in upper case.
func PublicKeyFingerprint(pub crypto.PublicKey) (string, error) {
	der, err := MarshalPublicKey(pub)
	if err != nil {
		return "", err
	}
	return SPKIFingerprint(der), nil
}

// SPKIFingerprint is PublicKeyFingerprint of a DER SubjectPublicKeyInfo as it
// stands, for a key read from a certificate or request, including one of a type Go
// cannot marshal again (DSA).
func SPKIFingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	var b strings.Builder
	b.WriteString("SHA256:")
	for i, c := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

// PublicKeysEqual reports whether a and b are the same public key, as when matching a
// private key to a certificate. Keys of different types, and nil, are never equal;
// an RSA-PSS key equals the *rsa.PublicKey ParseCertificate puts in its certificate.
func PublicKeysEqual(a, b crypto.PublicKey) bool {
	if a == nil || b == nil {
		return false
	}
	if _, ok := b.(*RSAPSSPublicKey); ok {
		a, b = b, a
	}
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// DescribePublicKey returns the algorithm ("RSA", "RSA-PSS", "ECDSA", "Ed25519"), the size in
// bits (the RSA modulus, the curve's field, 256 for Ed25519) and the curve name
// ("P-256", ...; "" for other keys) of pub. For a key type pgcert does not use it
// returns "" and 0.
func DescribePublicKey(pub crypto.PublicKey) (algorithm string, bits int, curve string) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen(), ""
	case *RSAPSSPublicKey:
		return "RSA-PSS", k.N.BitLen(), ""
	case *ecdsa.PublicKey:
		p := k.Curve.Params()
		return "ECDSA", p.BitSize, p.Name
	case ed25519.PublicKey:
		return "Ed25519", 8 * ed25519.PublicKeySize, ""
	}
	return "", 0, ""
}
