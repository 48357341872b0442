package selfsign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/keys"
)

// MinRSABits is the smallest RSA modulus pgcert signs with or certifies.
// OpenSSL's default security level on current distributions (level 2)
// refuses anything smaller in TLS, so a smaller key would make a certificate
// PostgreSQL cannot use.
const MinRSABits = 2048

// ErrKeyMismatch is returned when a private key does not belong to the public
// key it is used with: a request's key, or an issuer certificate's key.
var ErrKeyMismatch = errors.New("selfsign: private key does not match the public key")

// KeyError reports a key pgcert does not sign with or certify.
type KeyError struct {
	Reason string
}

// Error says which key is unsupported.
func (e *KeyError) Error() string { return "selfsign: unsupported key: " + e.Reason }

// SignatureAlgorithm returns the algorithm pgcert signs with for a key whose
// public half is pub: ECDSA with SHA-256 for P-256, SHA-384 for P-384 (a
// hash as strong as the curve, as RFC 5480 section 4 advises) and SHA-512 for
// P-521; RSA PKCS#1 v1.5 with SHA-256, which every OpenSSL since 0.9.8 and so
// every libpq verifies (RSA-PSS certificate signatures are not read by older
// ones); RSASSA-PSS with SHA-256 for an RSA-PSS key (keys.RSAPSSPublicKey),
// which makes no other signature; pure Ed25519. Other keys, and RSA keys under
// MinRSABits, give a *KeyError.
func SignatureAlgorithm(pub crypto.PublicKey) (x509.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return x509.ECDSAWithSHA256, nil
		case elliptic.P384():
			return x509.ECDSAWithSHA384, nil
		case elliptic.P521():
			return x509.ECDSAWithSHA512, nil
		}
		return 0, &KeyError{Reason: "ECDSA curve " + k.Curve.Params().Name}
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < MinRSABits {
			return 0, &KeyError{Reason: fmt.Sprintf("RSA key of %d bits; at least %d are needed", bits, MinRSABits)}
		}
		return x509.SHA256WithRSA, nil
	case *keys.RSAPSSPublicKey:
		if bits := k.N.BitLen(); bits < MinRSABits {
			return 0, &KeyError{Reason: fmt.Sprintf("RSA-PSS key of %d bits; at least %d are needed", bits, MinRSABits)}
		}
		return x509.SHA256WithRSAPSS, nil
	case ed25519.PublicKey:
		return x509.PureEd25519, nil
	}
	return 0, &KeyError{Reason: fmt.Sprintf("%T", pub)}
}

// SubjectKeyID returns the key identifier of pub by RFC 7093 section 2,
// method 1: the leftmost 160 bits of the SHA-256 hash of the subjectPublicKey
// BIT STRING's value. It is as long as RFC 5280's SHA-1 identifier, so tools
// that print or compare key identifiers treat it the same, without using
// SHA-1.
func SubjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	spki, err := keys.MarshalPublicKey(pub)
	if err != nil {
		return nil, &KeyError{Reason: err.Error()}
	}
	var info struct {
		Algorithm asn1.RawValue
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		return nil, &KeyError{Reason: err.Error()}
	}
	sum := sha256.Sum256(info.PublicKey.Bytes)
	return sum[:20], nil
}

// sameKey reports whether a and b are the same public key.
func sameKey(a, b crypto.PublicKey) bool {
	return keys.PublicKeysEqual(a, b)
}
