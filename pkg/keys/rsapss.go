package keys

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidRSAPSS is id-RSASSA-PSS (RFC 4055): as a key's algorithm it restricts the RSA
// key to PSS signatures, which is what `openssl genpkey -algorithm RSA-PSS` makes.
var oidRSAPSS = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}

// RSAPSSKey is an RSA private key restricted to RSASSA-PSS signatures: in PKCS#8
// and in a certificate's SubjectPublicKeyInfo its algorithm is id-RSASSA-PSS
// rather than rsaEncryption. PostgreSQL's SSL test suite serves such a certificate
// to check that SCRAM channel binding (tls-server-end-point) hashes it right.
//
// Sign always makes PSS signatures, whatever opts asks for, with a salt as long as
// the hash (RFC 4055's recommendation, and what OpenSSL verifies by default).
type RSAPSSKey struct {
	// Key is the RSA key itself.
	Key *rsa.PrivateKey
}

// Public returns the key's *rsa.PublicKey.
func (k *RSAPSSKey) Public() crypto.PublicKey { return &k.Key.PublicKey }

// Sign signs digest, a hash made with opts.HashFunc(), with RSASSA-PSS.
func (k *RSAPSSKey) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	return rsa.SignPSS(r, k.Key, opts.HashFunc(), digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
}

// GenerateRSAPSS makes an RSA-PSS key of bits bits; zero means DefaultRSABits,
// what `openssl genpkey -algorithm RSA-PSS` makes without options.
func GenerateRSAPSS(bits int) (*RSAPSSKey, error) {
	if bits == 0 {
		bits = DefaultRSABits
	}
	if bits != 2048 && bits != 3072 && bits != 4096 {
		return nil, &KeySizeError{Bits: bits, Min: MinRSABits}
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return &RSAPSSKey{Key: k}, nil
}

// MarshalRSAPSSPKCS8DER returns k as unencrypted PKCS#8 DER with the
// id-RSASSA-PSS algorithm and no parameters (any hash may be used), as OpenSSL
// writes such a key.
func MarshalRSAPSSPKCS8DER(k *RSAPSSKey) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidRSAPSS)
		})
		b.AddASN1OctetString(x509.MarshalPKCS1PrivateKey(k.Key))
	})
	return b.BytesOrPanic()
}

// MarshalRSAPSSPKCS8PEM returns k as a "PRIVATE KEY" PEM block of
// MarshalRSAPSSPKCS8DER.
func MarshalRSAPSSPKCS8PEM(k *RSAPSSKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: MarshalRSAPSSPKCS8DER(k)})
}

// MarshalRSAPSSPublicKey returns pub as a SubjectPublicKeyInfo with the
// id-RSASSA-PSS algorithm and no parameters, which crypto/x509 cannot write.
func MarshalRSAPSSPublicKey(pub *rsa.PublicKey) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidRSAPSS)
		})
		b.AddASN1BitString(x509.MarshalPKCS1PublicKey(pub))
	})
	return b.BytesOrPanic()
}

// errNotRSAPSS is returned by ParseRSAPSS for a key of another algorithm.
var errNotRSAPSS = errors.New("keys: not an unencrypted PKCS#8 RSA-PSS key")

// ParseRSAPSS reads an unencrypted PKCS#8 RSA-PSS key, PEM or DER, as
// `openssl genpkey -algorithm RSA-PSS` writes it; Parse reads them through it.
// Parameters restricting the hash are accepted and not enforced.
func ParseRSAPSS(data []byte) (*RSAPSSKey, error) {
	der := data
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "PRIVATE KEY" {
			return nil, errNotRSAPSS
		}
		der = block.Bytes
	}
	algo, _, err := pkcs8Algorithm(der)
	if err != nil {
		return nil, err
	}
	if !algo.Equal(oidRSAPSS) {
		return nil, errNotRSAPSS
	}
	input := cryptobyte.String(der)
	var info, algID, priv cryptobyte.String
	var version int
	if !input.ReadASN1(&info, cbasn1.SEQUENCE) || !info.ReadASN1Integer(&version) ||
		!info.ReadASN1(&algID, cbasn1.SEQUENCE) || !info.ReadASN1(&priv, cbasn1.OCTET_STRING) {
		return nil, errNotRSAPSS
	}
	k, err := x509.ParsePKCS1PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("keys: RSA-PSS key: %w", err)
	}
	return &RSAPSSKey{Key: k}, nil
}
