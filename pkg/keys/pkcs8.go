package keys

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Private key algorithm identifiers (RFC 8017, RFC 5480, RFC 8410, RFC 4055, RFC 3279).
var (
	oidRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECPublic = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519  = asn1.ObjectIdentifier{1, 3, 101, 112}
)

// unsupportedKeyAlgorithms names the PKCS#8 algorithms pgcert recognises but does not
// use, so that the error says "Ed448" rather than an object identifier.
var unsupportedKeyAlgorithms = map[string]string{
	"1.3.101.110":             "X25519",
	"1.3.101.111":             "X448",
	"1.3.101.113":             "Ed448",
	"1.2.840.10040.4.1":       "DSA",
	"1.2.840.113549.1.3.1":    "DH",
	"1.2.840.10046.2.1":       "X9.42 DH",
	"1.2.156.10197.1.301":     "SM2",
	"1.2.643.7.1.1.1.1":       "GOST R 34.10-2012 256-bit",
	"1.2.643.7.1.1.1.2":       "GOST R 34.10-2012 512-bit",
	"2.16.840.1.101.3.4.3.17": "ML-DSA-44",
	"2.16.840.1.101.3.4.3.18": "ML-DSA-65",
	"2.16.840.1.101.3.4.3.19": "ML-DSA-87",
}

// parsePKCS8 parses an unencrypted PKCS#8 PrivateKeyInfo (RFC 5208) or
// OneAsymmetricKey (RFC 5958). The algorithm and curve are checked before the key is
// handed to crypto/x509, so that a key pgcert does not use gets an
// *UnsupportedAlgorithmError that names it.
func parsePKCS8(der []byte) (crypto.Signer, error) {
	algo, params, err := pkcs8Algorithm(der)
	if err != nil {
		return nil, err
	}
	switch {
	case algo.Equal(oidRSAPSS):
		// openssl genpkey -algorithm RSA-PSS; the server accepts these keys.
		return ParseRSAPSS(der)
	case algo.Equal(oidRSA), algo.Equal(oidEd25519):
	case algo.Equal(oidECPublic):
		if err := checkCurveParams(params); err != nil {
			return nil, err
		}
	default:
		if name, ok := unsupportedKeyAlgorithms[algo.String()]; ok {
			return nil, &UnsupportedAlgorithmError{Algorithm: name}
		}
		return nil, &UnsupportedAlgorithmError{Algorithm: "with OID " + algo.String()}
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, &UnsupportedAlgorithmError{Algorithm: fmt.Sprintf("%T", key)}
	}
	return signer, nil
}

// pkcs8Algorithm returns the algorithm identifier of a PrivateKeyInfo, and its
// parameters as raw DER (empty if absent).
func pkcs8Algorithm(der []byte) (asn1.ObjectIdentifier, []byte, error) {
	input := cryptobyte.String(der)
	var info, algID, params cryptobyte.String
	var version int
	var algo asn1.ObjectIdentifier
	if !input.ReadASN1(&info, cbasn1.SEQUENCE) || !input.Empty() ||
		!info.ReadASN1Integer(&version) || (version != 0 && version != 1) ||
		!info.ReadASN1(&algID, cbasn1.SEQUENCE) ||
		!algID.ReadASN1ObjectIdentifier(&algo) ||
		!info.PeekASN1Tag(cbasn1.OCTET_STRING) {
		return nil, nil, errors.New("malformed PKCS#8 PrivateKeyInfo")
	}
	if !algID.Empty() {
		var tag cbasn1.Tag
		if !algID.ReadAnyASN1Element(&params, &tag) {
			return nil, nil, errors.New("malformed PKCS#8 algorithm parameters")
		}
	}
	return algo, params, nil
}
