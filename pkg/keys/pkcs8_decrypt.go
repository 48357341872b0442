package keys

import (
	"encoding/asn1"
	"errors"
	"math"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidPBES2 identifies PBES2 (RFC 8018 A.4); the PBES1 identifiers are in pbes1.go.
var oidPBES2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}

// parseEncryptedPKCS8 reads an EncryptedPrivateKeyInfo (RFC 5958 section 3) and its
// encryption parameters, without decrypting it. Unsupported schemes, KDFs and ciphers
// are refused here, before any passphrase is asked for.
func parseEncryptedPKCS8(der []byte) (*sealedKey, *Encryption, error) {
	input := cryptobyte.String(der)
	var epki, algID cryptobyte.String
	var oid asn1.ObjectIdentifier
	var ciphertext []byte
	if !input.ReadASN1(&epki, cbasn1.SEQUENCE) || !input.Empty() ||
		!epki.ReadASN1(&algID, cbasn1.SEQUENCE) ||
		!algID.ReadASN1ObjectIdentifier(&oid) ||
		!epki.ReadASN1Bytes(&ciphertext, cbasn1.OCTET_STRING) {
		return nil, nil, errors.New("malformed EncryptedPrivateKeyInfo")
	}
	params := []byte(algID)
	if oid.Equal(oidPBES2) {
		return parsePBES2(params, ciphertext)
	}
	if s, ok := pbes1Schemes[oid.String()]; ok {
		return parsePBES1(s, params, ciphertext)
	}
	return nil, nil, errors.New("unknown encryption scheme with OID " + oid.String())
}

// readCount reads a positive ASN.1 INTEGER such as an iteration count. Values beyond
// 64 bits saturate, so that the limit check reports them instead of a parse error.
func readCount(s *cryptobyte.String, out *uint64) bool {
	n := new(big.Int)
	if !s.ReadASN1Integer(n) || n.Sign() <= 0 {
		return false
	}
	if n.IsUint64() {
		*out = n.Uint64()
	} else {
		*out = math.MaxUint64
	}
	return true
}
