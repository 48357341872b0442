package crl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
)

// sigAlg is a signature algorithm this package signs with: its AlgorithmIdentifier
// DER and how to hash and sign.
type sigAlg struct {
	algo   x509.SignatureAlgorithm
	hash   crypto.Hash // 0 for Ed25519, which signs the message itself
	pss    bool
	algDER []byte
}

var (
	oidECDSAPrefix = []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03}
	oidRSAPrefix   = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01}
)

func ecdsaAlg(last byte) []byte {
	return append(append([]byte{tagSequence, 0x0a}, oidECDSAPrefix...), last)
}

// rsaAlg is a PKCS #1 v1.5 AlgorithmIdentifier, with the NULL parameters RFC 4055
// section 5 requires (their absence is an RFC 5280 zlint error).
func rsaAlg(last byte) []byte {
	return append(append(append([]byte{tagSequence, 0x0d}, oidRSAPrefix...), last), 0x05, 0x00)
}

// pssAlg is an RSASSA-PSS AlgorithmIdentifier with the parameters RFC 4055 section 3.1
// gives for hash h: MGF1 with the same hash and a salt as long as the digest.
func pssAlg(h byte, salt byte) []byte {
	hashAlg := []byte{0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, h, 0x05, 0x00}
	params := []byte{0x30, 0x34, 0xa0, 0x0f}
	params = append(params, hashAlg...)
	params = append(params, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08)
	params = append(params, hashAlg...)
	params = append(params, 0xa2, 0x03, 0x02, 0x01, salt)
	alg := append([]byte{tagSequence, byte(11 + len(params))}, oidRSAPrefix...)
	alg = append(alg, 0x0a)
	return append(alg, params...)
}

var sigAlgs = []sigAlg{
	{x509.ECDSAWithSHA256, crypto.SHA256, false, ecdsaAlg(0x02)},
	{x509.ECDSAWithSHA384, crypto.SHA384, false, ecdsaAlg(0x03)},
	{x509.ECDSAWithSHA512, crypto.SHA512, false, ecdsaAlg(0x04)},
	{x509.SHA256WithRSA, crypto.SHA256, false, rsaAlg(0x0b)},
	{x509.SHA384WithRSA, crypto.SHA384, false, rsaAlg(0x0c)},
	{x509.SHA512WithRSA, crypto.SHA512, false, rsaAlg(0x0d)},
	{x509.SHA256WithRSAPSS, crypto.SHA256, true, pssAlg(0x01, 32)},
	{x509.SHA384WithRSAPSS, crypto.SHA384, true, pssAlg(0x02, 48)},
	{x509.SHA512WithRSAPSS, crypto.SHA512, true, pssAlg(0x03, 64)},
	{x509.PureEd25519, 0, false, []byte{tagSequence, 0x05, tagOID, 0x03, 0x2b, 0x65, 0x70}},
}

// ErrUnsupportedKey is returned for a signer whose key type this package cannot sign
// CRLs with, or a SignatureAlgorithm that does not fit the key.
var ErrUnsupportedKey = errors.New("crl: unsupported signing key or signature algorithm")

// chooseSigAlg picks the algorithm for pub: want if set, else SHA-256 with RSA and
// P-256, SHA-384 with P-384, SHA-512 with P-521 (the hash as strong as the curve),
// Ed25519 for Ed25519. SHA-1 and MD5 are never used.
func chooseSigAlg(pub crypto.PublicKey, want x509.SignatureAlgorithm) (sigAlg, error) {
	var def x509.SignatureAlgorithm
	var fits func(x509.SignatureAlgorithm) bool
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			def = x509.ECDSAWithSHA256
		case elliptic.P384():
			def = x509.ECDSAWithSHA384
		case elliptic.P521():
			def = x509.ECDSAWithSHA512
		default:
			return sigAlg{}, fmt.Errorf("%w: ECDSA curve %s", ErrUnsupportedKey, k.Curve.Params().Name)
		}
		fits = func(a x509.SignatureAlgorithm) bool {
			return a == x509.ECDSAWithSHA256 || a == x509.ECDSAWithSHA384 || a == x509.ECDSAWithSHA512
		}
	case *rsa.PublicKey:
		def = x509.SHA256WithRSA
		fits = func(a x509.SignatureAlgorithm) bool {
			switch a {
			case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
				x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
				return true
			}
			return false
		}
	case ed25519.PublicKey:
		def = x509.PureEd25519
		fits = func(a x509.SignatureAlgorithm) bool { return a == x509.PureEd25519 }
	default:
		return sigAlg{}, fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
	}
	if want == x509.UnknownSignatureAlgorithm {
		want = def
	}
	if !fits(want) {
		return sigAlg{}, fmt.Errorf("%w: %v with a %T", ErrUnsupportedKey, want, pub)
	}
	for _, a := range sigAlgs {
		if a.algo == want {
			return a, nil
		}
	}
	return sigAlg{}, fmt.Errorf("%w: %v", ErrUnsupportedKey, want)
}

// sign signs digest (or, for Ed25519, the message msg) and checks the signature
// against pub, so that a faulty signer (a broken token, a mismatched key) is caught
// before a CRL nobody can verify is written.
func (a sigAlg) sign(signer crypto.Signer, rand io.Reader, digest, msg []byte) ([]byte, error) {
	var opts crypto.SignerOpts = a.hash
	input := digest
	switch {
	case a.pss:
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: a.hash}
	case a.hash == 0:
		opts, input = crypto.Hash(0), msg
	}
	sig, err := signer.Sign(rand, input, opts)
	if err != nil {
		return nil, fmt.Errorf("crl: signing: %w", err)
	}
	var ok bool
	switch pub := signer.Public().(type) {
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(pub, digest, sig)
	case *rsa.PublicKey:
		if a.pss {
			ok = rsa.VerifyPSS(pub, a.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		} else {
			ok = rsa.VerifyPKCS1v15(pub, a.hash, digest, sig) == nil
		}
	case ed25519.PublicKey:
		ok = ed25519.Verify(pub, msg, sig)
	}
	if !ok {
		return nil, errors.New("crl: the signer produced a signature that does not verify")
	}
	return sig, nil
}
