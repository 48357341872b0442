package selfsign

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"io"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/pgcert/pgcert/pkg/keys"
)

// ErrRSAPSSCA refuses a CA certificate for an RSA-PSS key. Such a CA would sign
// every certificate and CRL with RSASSA-PSS, which pgcert's CRL writer and its
// checks of a CA directory do not make or follow; an ECDSA or RSA CA signs
// certificates for RSA-PSS keys, which is what the server needs.
var ErrRSAPSSCA = errors.New("selfsign: an RSA-PSS key cannot be a CA's key here; use an ECDSA or RSA CA key (it can certify RSA-PSS keys)")

// crypto/x509 writes rsaEncryption for every RSA key and cannot parse an
// id-RSASSA-PSS one, so an RSA-PSS key (keys.RSAPSSKey, keys.RSAPSSPublicKey)
// goes through crypto/x509 as the plain RSA key it is: x509Signer and
// x509PublicKey give crypto/x509 that view, and withPublicKeyInfo then puts the
// id-RSASSA-PSS SubjectPublicKeyInfo into what crypto/x509 made, signing again.

// pssSigner is an RSA-PSS key as crypto/x509 can sign with it: its Public is the
// *rsa.PublicKey, so crypto/x509 accepts SHA256WithRSAPSS, and the key itself
// makes the PSS signature crypto/x509 asks for.
type pssSigner struct{ k *keys.RSAPSSKey }

func (s pssSigner) Public() crypto.PublicKey { return &s.k.Key.PublicKey }

func (s pssSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return s.k.Sign(r, digest, opts)
}

// x509Signer is s as crypto/x509 can sign with it.
func x509Signer(s crypto.Signer) crypto.Signer {
	if k, ok := s.(*keys.RSAPSSKey); ok {
		return pssSigner{k}
	}
	return s
}

// x509PublicKey is pub as crypto/x509 can marshal it.
func x509PublicKey(pub crypto.PublicKey) crypto.PublicKey {
	if k, ok := pub.(*keys.RSAPSSPublicKey); ok {
		return k.RSA()
	}
	return pub
}

// withPublicKeyInfo returns der, a certificate or request crypto/x509 made for
// pub's plain RSA view, with pub's id-RSASSA-PSS SubjectPublicKeyInfo in its
// place and signed again by signer. Any other pub leaves der as it is.
func withPublicKeyInfo(der []byte, pub crypto.PublicKey, signer crypto.Signer, rand io.Reader) ([]byte, error) {
	k, ok := pub.(*keys.RSAPSSPublicKey)
	if !ok {
		return der, nil
	}
	plain, err := x509.MarshalPKIXPublicKey(k.RSA())
	if err != nil {
		return nil, err
	}
	input := cryptobyte.String(der)
	var outer, tbs, fields cryptobyte.String
	var algID cryptobyte.String
	if !input.ReadASN1(&outer, cbasn1.SEQUENCE) || !outer.ReadASN1Element(&tbs, cbasn1.SEQUENCE) ||
		!outer.ReadASN1Element(&algID, cbasn1.SEQUENCE) {
		return nil, errors.New("selfsign: malformed signed structure")
	}
	if !tbs.ReadASN1(&fields, cbasn1.SEQUENCE) {
		return nil, errors.New("selfsign: malformed to-be-signed structure")
	}
	var b cryptobyte.Builder
	replaced := false
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for !fields.Empty() {
			var field cryptobyte.String
			var tag cbasn1.Tag
			if !fields.ReadAnyASN1Element(&field, &tag) {
				b.SetError(errors.New("selfsign: malformed to-be-signed structure"))
				return
			}
			if !replaced && bytes.Equal(field, plain) {
				field, replaced = keys.MarshalRSAPSSPublicKey(k.RSA()), true
			}
			b.AddBytes(field)
		}
	})
	newTBS, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	if !replaced {
		return nil, errors.New("selfsign: no public key to replace")
	}
	sig, err := Sign(signer, newTBS, rand)
	if err != nil {
		return nil, err
	}
	var out cryptobyte.Builder
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(newTBS)
		b.AddBytes(algID)
		b.AddASN1BitString(sig)
	})
	return out.Bytes()
}

// CheckRequestSignature is csr.CheckSignature, which also verifies a request for
// an RSA-PSS key (whose PublicKey keys.CompleteCertificateRequest made a
// *keys.RSAPSSPublicKey, a type crypto/x509 does not know) and RSASSA-PSS
// signatures with openssl's salt length (keys.CheckSignature).
func CheckRequestSignature(csr *x509.CertificateRequest) error {
	return keys.CheckSignature(csr.Raw, csr.SignatureAlgorithm, csr.PublicKey)
}

// pssOptions are the RSASSA-PSS parameters pgcert signs with, those RFC 4055
// section 3.1 recommends and crypto/x509 writes: the hash for the message and for
// MGF1, and a salt as long as the hash.
func pssOptions(h crypto.Hash) *rsa.PSSOptions {
	return &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
}
