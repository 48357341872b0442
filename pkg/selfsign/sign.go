package selfsign

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
)

// algorithmIdentifiers are the DER AlgorithmIdentifiers of the signature
// algorithms SignatureAlgorithm picks, byte for byte as crypto/x509 writes them:
// no parameters for ECDSA and Ed25519 (RFC 5758, RFC 8410), NULL for PKCS #1
// v1.5 (RFC 4055 section 5), and for RSASSA-PSS the hash, MGF1 with the same
// hash and a salt as long as the hash, each spelled out (RFC 4055 section 3.1).
var algorithmIdentifiers = map[x509.SignatureAlgorithm][]byte{
	x509.ECDSAWithSHA256: {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02},
	x509.ECDSAWithSHA384: {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03},
	x509.ECDSAWithSHA512: {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04},
	x509.SHA256WithRSA:   {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00},
	x509.SHA256WithRSAPSS: {0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
		0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
		0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
		0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
		0xa2, 0x03, 0x02, 0x01, 0x20},
	x509.PureEd25519: {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70},
}

// hashes are the digests of the signature algorithms SignatureAlgorithm picks;
// Ed25519 signs the message whole.
var hashes = map[x509.SignatureAlgorithm]crypto.Hash{
	x509.ECDSAWithSHA256:  crypto.SHA256,
	x509.ECDSAWithSHA384:  crypto.SHA384,
	x509.ECDSAWithSHA512:  crypto.SHA512,
	x509.SHA256WithRSA:    crypto.SHA256,
	x509.SHA256WithRSAPSS: crypto.SHA256,
}

// AlgorithmIdentifier returns the DER AlgorithmIdentifier of the signature a key
// whose public half is pub makes (SignatureAlgorithm's choice), for a program
// that writes a to-be-signed structure itself and signs it with Sign. For an
// RSA-PSS key (keys.RSAPSSPublicKey) it is RSASSA-PSS with SHA-256, MGF1-SHA-256
// and a 32-byte salt.
func AlgorithmIdentifier(pub crypto.PublicKey) ([]byte, error) {
	alg, err := SignatureAlgorithm(pub)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), algorithmIdentifiers[alg]...), nil
}

// Sign signs tbs, the DER to-be-signed part of a certificate, request or CRL,
// with signer, by the algorithm AlgorithmIdentifier names for signer's key: the
// digest of tbs signed with PKCS #1 v1.5, ECDSA or, for a keys.RSAPSSKey,
// RSASSA-PSS; Ed25519 signs tbs whole. rand nil means crypto/rand.Reader.
func Sign(signer crypto.Signer, tbs []byte, rand io.Reader) ([]byte, error) {
	alg, err := SignatureAlgorithm(signer.Public())
	if err != nil {
		return nil, err
	}
	digest := tbs
	var opts crypto.SignerOpts = crypto.Hash(0)
	if h, ok := hashes[alg]; ok {
		d := h.New()
		d.Write(tbs)
		digest, opts = d.Sum(nil), h
		if alg == x509.SHA256WithRSAPSS {
			opts = pssOptions(h)
		}
	}
	sig, err := signer.Sign(randOrDefault(rand), digest, opts)
	if err != nil {
		return nil, fmt.Errorf("selfsign: signing: %w", err)
	}
	return sig, nil
}
