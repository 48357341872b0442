package inspect

import (
	"crypto"
	"crypto/x509"

	"github.com/pgcert/pgcert/pkg/keys"
)

// PublicKey describes a public key, alone in a file or inside a certificate or
// request.
type PublicKey struct {
	// Algorithm is "RSA", "RSA-PSS", "ECDSA" or "Ed25519", or crypto/x509's name for another
	// algorithm ("DSA", "unknown").
	Algorithm string `json:"algorithm"`
	// Bits is the RSA modulus size, the curve's size, or 256 for Ed25519; 0 when
	// unknown.
	Bits int `json:"bits"`
	// Curve is the ECDSA curve ("P-256"), "" for other keys.
	Curve string `json:"curve"`
	// Fingerprint is the SHA-256 of the DER SubjectPublicKeyInfo as
	// keys.PublicKeyFingerprint writes it ("SHA256:AB:CD:..."): the same for a key,
	// its certificate and its request, and what `pgcert key show` prints.
	Fingerprint string `json:"fingerprint"`
}

func describePublicKey(pub crypto.PublicKey, alg x509.PublicKeyAlgorithm, spki []byte) PublicKey {
	var out PublicKey
	out.Algorithm, out.Bits, out.Curve = keys.DescribePublicKey(pub)
	if out.Algorithm == "RSA" && keys.IsRSAPSSPublicKeyInfo(spki) {
		// A certificate's RSA-PSS key, which keys.ParseCertificate leaves as the
		// *rsa.PublicKey that verifies its signatures.
		out.Algorithm = "RSA-PSS"
	}
	if out.Algorithm == "" {
		out.Algorithm = alg.String()
	}
	out.Fingerprint = keys.SPKIFingerprint(spki)
	return out
}

// describePKIXPublicKey reads a DER SubjectPublicKeyInfo ("PUBLIC KEY").
func describePKIXPublicKey(der []byte) (*PublicKey, error) {
	pub, err := keys.ParsePublicKey(der)
	if err != nil {
		return nil, err
	}
	spki, err := keys.MarshalPublicKey(pub)
	if err != nil {
		return nil, err
	}
	p := describePublicKey(pub, x509.UnknownPublicKeyAlgorithm, spki)
	return &p, nil
}

// describePKCS1PublicKey reads a DER PKCS#1 RSAPublicKey ("RSA PUBLIC KEY").
func describePKCS1PublicKey(der []byte) (*PublicKey, error) {
	pub, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	p := describePublicKey(pub, x509.RSA, spki)
	return &p, nil
}
