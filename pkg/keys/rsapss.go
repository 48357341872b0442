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

// Public returns the key's public half as an *RSAPSSPublicKey, so that a
// certificate or request made for it carries the id-RSASSA-PSS algorithm: with
// rsaEncryption instead, OpenSSL (and so the server) would not pair the
// certificate with the key.
func (k *RSAPSSKey) Public() crypto.PublicKey { return &RSAPSSPublicKey{PublicKey: k.Key.PublicKey} }

// RSAPSSPublicKey is the public half of an RSAPSSKey: an RSA public key whose
// SubjectPublicKeyInfo names id-RSASSA-PSS. crypto/x509 neither writes nor reads
// such a key; MarshalPublicKey writes it, ParseCertificate and ParsePublicKey
// read it.
type RSAPSSPublicKey struct {
	rsa.PublicKey
}

// RSA returns the RSA key itself, which verifies the key's PSS signatures.
func (k *RSAPSSPublicKey) RSA() *rsa.PublicKey { return &k.PublicKey }

// Equal reports whether x is the same key: an *RSAPSSPublicKey, or the
// *rsa.PublicKey ParseCertificate leaves in a certificate's PublicKey.
func (k *RSAPSSPublicKey) Equal(x crypto.PublicKey) bool {
	switch x := x.(type) {
	case *RSAPSSPublicKey:
		return k.PublicKey.Equal(&x.PublicKey)
	case *rsa.PublicKey:
		return k.PublicKey.Equal(x)
	}
	return false
}

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
	if !validRSASize(bits) {
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

// IsRSAPSSPublicKeyInfo reports whether spki, a DER SubjectPublicKeyInfo, holds
// an RSA-PSS key (algorithm id-RSASSA-PSS, with or without parameters).
func IsRSAPSSPublicKeyInfo(spki []byte) bool {
	input := cryptobyte.String(spki)
	var info, algo cryptobyte.String
	var oid asn1.ObjectIdentifier
	return input.ReadASN1(&info, cbasn1.SEQUENCE) && info.ReadASN1(&algo, cbasn1.SEQUENCE) &&
		algo.ReadASN1ObjectIdentifier(&oid) && oid.Equal(oidRSAPSS)
}

// parseRSAPSSPublicKeyInfo reads the RSA key of an RSA-PSS SubjectPublicKeyInfo.
// Parameters restricting the hash are not enforced, as ParseRSAPSS does not.
func parseRSAPSSPublicKeyInfo(spki []byte) (*rsa.PublicKey, error) {
	if !IsRSAPSSPublicKeyInfo(spki) {
		return nil, errors.New("keys: not an RSA-PSS public key")
	}
	input := cryptobyte.String(spki)
	var info, algo cryptobyte.String
	var bits asn1.BitString
	if !input.ReadASN1(&info, cbasn1.SEQUENCE) || !info.ReadASN1(&algo, cbasn1.SEQUENCE) || !info.ReadASN1BitString(&bits) {
		return nil, errors.New("keys: malformed RSA-PSS public key")
	}
	pub, err := x509.ParsePKCS1PublicKey(bits.RightAlign())
	if err != nil {
		return nil, fmt.Errorf("keys: RSA-PSS public key: %w", err)
	}
	return pub, nil
}

// MarshalPublicKey returns pub as a DER SubjectPublicKeyInfo: an
// *RSAPSSPublicKey with the id-RSASSA-PSS algorithm (MarshalRSAPSSPublicKey),
// any other key as x509.MarshalPKIXPublicKey writes it.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	if k, ok := pub.(*RSAPSSPublicKey); ok {
		return MarshalRSAPSSPublicKey(k.RSA()), nil
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return der, nil
}

// ParsePublicKey reads a DER SubjectPublicKeyInfo: an RSA-PSS key as an
// *RSAPSSPublicKey, any other as x509.ParsePKIXPublicKey reads it.
func ParsePublicKey(spki []byte) (crypto.PublicKey, error) {
	if IsRSAPSSPublicKeyInfo(spki) {
		pub, err := parseRSAPSSPublicKeyInfo(spki)
		if err != nil {
			return nil, err
		}
		return &RSAPSSPublicKey{PublicKey: *pub}, nil
	}
	pub, err := x509.ParsePKIXPublicKey(spki)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return pub, nil
}

// ParseCertificate is x509.ParseCertificate, except that a certificate for an
// RSA-PSS key gets its key: crypto/x509 leaves PublicKey nil and
// PublicKeyAlgorithm unknown for id-RSASSA-PSS, so that every signature check
// against such a certificate would fail. See CompleteCertificate.
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return c, CompleteCertificate(c)
}

// CompleteCertificate fills in the key of a certificate for an RSA-PSS key that
// crypto/x509 parsed: PublicKey becomes the *rsa.PublicKey (what crypto/x509's
// CheckSignature needs to verify what the key signed, with PSS) and
// PublicKeyAlgorithm x509.RSA. An RSASSA-PSS signature whose salt is not as long
// as its hash (openssl's default), which crypto/x509 calls
// UnknownSignatureAlgorithm, gets the SignatureAlgorithm of its hash: verify it
// with CheckSignature, which reads the salt. Use IsRSAPSSPublicKeyInfo on
// RawSubjectPublicKeyInfo to tell such a certificate from an rsaEncryption one.
// Other certificates are left alone.
func CompleteCertificate(c *x509.Certificate) error {
	if c.SignatureAlgorithm == x509.UnknownSignatureAlgorithm {
		c.SignatureAlgorithm = pssSignatureAlgorithm(c.Raw)
	}
	if c.PublicKey != nil || !IsRSAPSSPublicKeyInfo(c.RawSubjectPublicKeyInfo) {
		return nil
	}
	pub, err := parseRSAPSSPublicKeyInfo(c.RawSubjectPublicKeyInfo)
	if err != nil {
		return err
	}
	c.PublicKey, c.PublicKeyAlgorithm = pub, x509.RSA
	return nil
}

// ParseCertificateRequest is x509.ParseCertificateRequest, except that a request
// for an RSA-PSS key gets its key; see CompleteCertificateRequest.
func ParseCertificateRequest(der []byte) (*x509.CertificateRequest, error) {
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, err
	}
	return csr, CompleteCertificateRequest(csr)
}

// CompleteCertificateRequest fills in the key of a request for an RSA-PSS key,
// which crypto/x509 leaves nil: PublicKey becomes an *RSAPSSPublicKey, so that
// a certificate made from the request is for an RSA-PSS key again, and
// PublicKeyAlgorithm x509.RSA; its signature algorithm is completed as
// CompleteCertificate does. crypto/x509's CheckSignature does not know that
// type; CheckSignature does.
func CompleteCertificateRequest(csr *x509.CertificateRequest) error {
	if csr.SignatureAlgorithm == x509.UnknownSignatureAlgorithm {
		csr.SignatureAlgorithm = pssSignatureAlgorithm(csr.Raw)
	}
	if csr.PublicKey != nil || !IsRSAPSSPublicKeyInfo(csr.RawSubjectPublicKeyInfo) {
		return nil
	}
	pub, err := parseRSAPSSPublicKeyInfo(csr.RawSubjectPublicKeyInfo)
	if err != nil {
		return err
	}
	csr.PublicKey, csr.PublicKeyAlgorithm = &RSAPSSPublicKey{PublicKey: *pub}, x509.RSA
	return nil
}

// CertificatePublicKey returns the key c certifies as pgcert certifies keys: an
// *RSAPSSPublicKey for an RSA-PSS key (whose PublicKey ParseCertificate leaves as
// the *rsa.PublicKey that verifies signatures), so that a certificate made again
// for it (a renewal) is for an RSA-PSS key too; c.PublicKey otherwise.
func CertificatePublicKey(c *x509.Certificate) crypto.PublicKey {
	if k, ok := c.PublicKey.(*rsa.PublicKey); ok && IsRSAPSSPublicKeyInfo(c.RawSubjectPublicKeyInfo) {
		return &RSAPSSPublicKey{PublicKey: *k}
	}
	return c.PublicKey
}

// CertificateHasKey reports whether pub is the key c certifies, as OpenSSL's
// X509_check_private_key decides when the server starts: the same key of the same
// algorithm. An RSA-PSS key and an rsaEncryption certificate of the same modulus
// do not pair (the server says "key values mismatch"), nor the other way round.
func CertificateHasKey(c *x509.Certificate, pub crypto.PublicKey) bool {
	_, certPSS := CertificatePublicKey(c).(*RSAPSSPublicKey)
	_, keyPSS := pub.(*RSAPSSPublicKey)
	return certPSS == keyPSS && PublicKeysEqual(pub, c.PublicKey)
}
