package keys

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidMGF1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// pssParams are RSASSA-PSS parameters (RFC 4055 section 3.1) as far as Go's
// crypto/rsa can verify them: one hash for the message and MGF1, and a salt
// length.
type pssParams struct {
	hash crypto.Hash
	salt int
}

// parsePSSParams reads an RSASSA-PSS AlgorithmIdentifier's parameters. crypto/x509
// takes only a salt as long as the hash, which pgcert writes; openssl signs with
// the longest salt the key allows (222 bytes for RSA 2048 with SHA-256), so the
// salt is read here rather than assumed. SHA-1, RFC 4055's default when the
// parameters leave the hash out, is refused as the broken hash it is.
func parsePSSParams(params []byte) (pssParams, error) {
	var p struct {
		Hash         asn1.RawValue `asn1:"optional,explicit,tag:0"`
		MGF          asn1.RawValue `asn1:"optional,explicit,tag:1"`
		SaltLength   int           `asn1:"optional,explicit,tag:2,default:20"`
		TrailerField int           `asn1:"optional,explicit,tag:3,default:1"`
	}
	if rest, err := asn1.Unmarshal(params, &p); err != nil || len(rest) > 0 {
		return pssParams{}, errors.New("malformed RSASSA-PSS parameters")
	}
	type algID struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	hashOf := func(raw []byte) (crypto.Hash, error) {
		var a algID
		if _, err := asn1.Unmarshal(raw, &a); err != nil {
			return 0, errors.New("malformed RSASSA-PSS hash")
		}
		switch {
		case a.Algorithm.Equal(oidSHA256):
			return crypto.SHA256, nil
		case a.Algorithm.Equal(oidSHA384):
			return crypto.SHA384, nil
		case a.Algorithm.Equal(oidSHA512):
			return crypto.SHA512, nil
		}
		return 0, fmt.Errorf("RSASSA-PSS with hash %v, which pgcert does not accept", a.Algorithm)
	}
	if len(p.Hash.FullBytes) == 0 || len(p.MGF.FullBytes) == 0 {
		return pssParams{}, errors.New("RSASSA-PSS with SHA-1, a broken hash")
	}
	h, err := hashOf(p.Hash.Bytes)
	if err != nil {
		return pssParams{}, err
	}
	var mgf algID
	if _, err := asn1.Unmarshal(p.MGF.Bytes, &mgf); err != nil || !mgf.Algorithm.Equal(oidMGF1) {
		return pssParams{}, errors.New("RSASSA-PSS with a mask generation function other than MGF1")
	}
	mh, err := hashOf(mgf.Parameters.FullBytes)
	if err != nil || mh != h {
		return pssParams{}, errors.New("RSASSA-PSS whose MGF1 hash differs from its message hash")
	}
	if p.TrailerField != 1 || p.SaltLength < 0 {
		return pssParams{}, errors.New("malformed RSASSA-PSS parameters")
	}
	return pssParams{hash: h, salt: p.SaltLength}, nil
}

// signedParts splits a signed DER structure (a certificate, request or CRL) into
// its to-be-signed part, the signature's algorithm OID and parameters, and the
// signature.
func signedParts(raw []byte) (tbs []byte, oid asn1.ObjectIdentifier, params, sig []byte, err error) {
	input := cryptobyte.String(raw)
	var outer, tbsElem, algID cryptobyte.String
	var bits asn1.BitString
	if !input.ReadASN1(&outer, cbasn1.SEQUENCE) || !outer.ReadASN1Element(&tbsElem, cbasn1.SEQUENCE) ||
		!outer.ReadASN1(&algID, cbasn1.SEQUENCE) || !outer.ReadASN1BitString(&bits) ||
		!algID.ReadASN1ObjectIdentifier(&oid) {
		return nil, nil, nil, nil, errors.New("keys: malformed signed structure")
	}
	return tbsElem, oid, algID, bits.RightAlign(), nil
}

// CheckSignature verifies the signature of raw, a whole DER certificate,
// request or CRL signed with algorithm alg (as crypto/x509 parsed it), with
// pub: an *rsa.PublicKey, *RSAPSSPublicKey, *ecdsa.PublicKey or
// ed25519.PublicKey. It is crypto/x509's CheckSignature, except that an
// RSASSA-PSS signature is verified with the parameters it names, whatever its
// salt length, as OpenSSL verifies it; crypto/x509 knows only the salt as long
// as the hash, and not openssl's default, the longest.
func CheckSignature(raw []byte, alg x509.SignatureAlgorithm, pub crypto.PublicKey) error {
	tbs, oid, params, sig, err := signedParts(raw)
	if err != nil {
		return err
	}
	if k, ok := pub.(*RSAPSSPublicKey); ok {
		if !oid.Equal(oidRSAPSS) {
			return fmt.Errorf("keys: an RSA-PSS key signs with RSASSA-PSS only, not %v", alg)
		}
		pub = k.RSA()
	}
	if !oid.Equal(oidRSAPSS) {
		return (&x509.Certificate{PublicKey: pub}).CheckSignature(alg, tbs, sig)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("keys: an RSASSA-PSS signature cannot be made by a %s key", describeAny(pub))
	}
	p, err := parsePSSParams(params)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	d := p.hash.New()
	d.Write(tbs)
	if err := rsa.VerifyPSS(rsaPub, p.hash, d.Sum(nil), sig, &rsa.PSSOptions{SaltLength: p.salt, Hash: p.hash}); err != nil {
		return fmt.Errorf("keys: RSASSA-PSS verification failure: %w", err)
	}
	return nil
}

// pssSignatureAlgorithm is the crypto/x509 bucket of raw's RSASSA-PSS signature
// with any salt length, by its hash; UnknownSignatureAlgorithm for another
// signature, or parameters CheckSignature would refuse.
func pssSignatureAlgorithm(raw []byte) x509.SignatureAlgorithm {
	_, oid, params, _, err := signedParts(raw)
	if err != nil || !oid.Equal(oidRSAPSS) {
		return x509.UnknownSignatureAlgorithm
	}
	p, err := parsePSSParams(params)
	if err != nil {
		return x509.UnknownSignatureAlgorithm
	}
	return map[crypto.Hash]x509.SignatureAlgorithm{
		crypto.SHA256: x509.SHA256WithRSAPSS, crypto.SHA384: x509.SHA384WithRSAPSS, crypto.SHA512: x509.SHA512WithRSAPSS,
	}[p.hash]
}

func describeAny(pub crypto.PublicKey) string {
	if alg, _, _ := DescribePublicKey(pub); alg != "" {
		return alg
	}
	return fmt.Sprintf("%T", pub)
}
