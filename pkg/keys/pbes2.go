package keys

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/scrypt"
)

// Key derivation functions of PBES2 (RFC 8018 A.2, RFC 7914 section 7).
var (
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
)

// prf is a pseudo-random function PBKDF2 may iterate.
type prf struct {
	name string
	hash func() hash.Hash
}

// prfHMACSHA1 is PBKDF2's default PRF when the parameters name none (RFC 8018 A.2).
var prfHMACSHA1 = &prf{"HMAC-SHA1", sha1.New}

// pbkdf2PRFs are the PRFs read, by OID (RFC 8018 B.1). openssl 3 writes HMAC-SHA256
// by default, openssl 1.0 wrote HMAC-SHA1.
var pbkdf2PRFs = map[string]*prf{
	"1.2.840.113549.2.7":  prfHMACSHA1,
	"1.2.840.113549.2.8":  {"HMAC-SHA224", sha256.New224},
	"1.2.840.113549.2.9":  {"HMAC-SHA256", sha256.New},
	"1.2.840.113549.2.10": {"HMAC-SHA384", sha512.New384},
	"1.2.840.113549.2.11": {"HMAC-SHA512", sha512.New},
	"1.2.840.113549.2.12": {"HMAC-SHA512-224", sha512.New512_224},
	"1.2.840.113549.2.13": {"HMAC-SHA512-256", sha512.New512_256},
}

// oidHMACWithSHA256 is the PRF pgcert writes.
var oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}

// pbes2Ciphers are the encryption schemes read, by OID (RFC 8018 B.2, NIST CSOR).
var pbes2Ciphers = map[string]*blockCipher{
	"2.16.840.1.101.3.4.1.2":  cipherAES128CBC,
	"2.16.840.1.101.3.4.1.22": cipherAES192CBC,
	"2.16.840.1.101.3.4.1.42": cipherAES256CBC,
	"1.2.840.113549.3.7":      cipherDES3CBC,
	"1.3.14.3.2.7":            cipherDESCBC,
}

// oidAES256CBC is the cipher pgcert writes.
var oidAES256CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}

// unsupportedPBES2Ciphers names the PBES2 encryption schemes recognised but not read,
// so that the error names the cipher as openssl does.
var unsupportedPBES2Ciphers = map[string]string{
	"1.2.840.113549.3.2":        "RC2-CBC",
	"1.2.840.113549.3.4":        "RC4",
	"1.2.840.113549.3.9":        "RC5-CBC",
	"2.16.840.1.101.3.4.1.1":    "AES-128-ECB",
	"2.16.840.1.101.3.4.1.3":    "AES-128-OFB",
	"2.16.840.1.101.3.4.1.4":    "AES-128-CFB",
	"2.16.840.1.101.3.4.1.6":    "AES-128-GCM",
	"2.16.840.1.101.3.4.1.7":    "AES-128-CCM",
	"2.16.840.1.101.3.4.1.21":   "AES-192-ECB",
	"2.16.840.1.101.3.4.1.23":   "AES-192-OFB",
	"2.16.840.1.101.3.4.1.24":   "AES-192-CFB",
	"2.16.840.1.101.3.4.1.26":   "AES-192-GCM",
	"2.16.840.1.101.3.4.1.27":   "AES-192-CCM",
	"2.16.840.1.101.3.4.1.41":   "AES-256-ECB",
	"2.16.840.1.101.3.4.1.43":   "AES-256-OFB",
	"2.16.840.1.101.3.4.1.44":   "AES-256-CFB",
	"2.16.840.1.101.3.4.1.46":   "AES-256-GCM",
	"2.16.840.1.101.3.4.1.47":   "AES-256-CCM",
	"1.2.392.200011.61.1.1.1.2": "CAMELLIA-128-CBC",
	"1.2.392.200011.61.1.1.1.3": "CAMELLIA-192-CBC",
	"1.2.392.200011.61.1.1.1.4": "CAMELLIA-256-CBC",
	"1.2.410.200046.1.1.2":      "ARIA-128-CBC",
	"1.2.410.200046.1.1.7":      "ARIA-192-CBC",
	"1.2.410.200046.1.1.12":     "ARIA-256-CBC",
	"1.2.156.10197.1.104.2":     "SM4-CBC",
	"1.3.6.1.4.1.3029.1.2":      "BF-CBC",
	"1.2.840.113533.7.66.10":    "CAST5-CBC",
	"1.3.6.1.4.1.188.7.1.1.2":   "IDEA-CBC",
	"1.2.410.200004.1.4":        "SEED-CBC",
}

// parsePBES2 reads PBES2-params (RFC 8018 A.4) and returns the sealed key.
func parsePBES2(params, ciphertext []byte) (*sealedKey, *Encryption, error) {
	in := cryptobyte.String(params)
	var p, kdfID, encID cryptobyte.String
	var kdfOID, encOID asn1.ObjectIdentifier
	if !in.ReadASN1(&p, cbasn1.SEQUENCE) || !in.Empty() ||
		!p.ReadASN1(&kdfID, cbasn1.SEQUENCE) || !kdfID.ReadASN1ObjectIdentifier(&kdfOID) ||
		!p.ReadASN1(&encID, cbasn1.SEQUENCE) || !encID.ReadASN1ObjectIdentifier(&encOID) {
		return nil, nil, errors.New("malformed PBES2 parameters")
	}
	enc := &Encryption{Scheme: "PBES2"}

	c, ok := pbes2Ciphers[encOID.String()]
	if !ok {
		if name, ok := unsupportedPBES2Ciphers[encOID.String()]; ok {
			return nil, nil, &UnsupportedCipherError{Cipher: name}
		}
		return nil, nil, &UnsupportedCipherError{Cipher: "with OID " + encOID.String()}
	}
	enc.Cipher = c.name
	var iv []byte
	if !encID.ReadASN1Bytes(&iv, cbasn1.OCTET_STRING) || !encID.Empty() {
		return nil, nil, fmt.Errorf("malformed %s parameters", c.name)
	}
	if err := c.checkCiphertext(iv, ciphertext); err != nil {
		return nil, nil, err
	}

	s := &sealedKey{cipher: c, ciphertext: ciphertext}
	var deriveKey func(pass []byte) ([]byte, error)
	switch {
	case kdfOID.Equal(oidPBKDF2):
		kdf, err := parsePBKDF2Params(kdfID, c.keySize)
		if err != nil {
			return nil, nil, err
		}
		enc.KDF, enc.PRF, enc.Iterations, enc.SaltLength = "PBKDF2", kdf.prf.name, kdf.iterations, len(kdf.salt)
		s.cost = kdfCost{iterations: kdf.iterations}
		deriveKey = func(pass []byte) ([]byte, error) {
			return pbkdf2.Key(kdf.prf.hash, string(pass), kdf.salt, int(kdf.iterations), c.keySize)
		}
	case kdfOID.Equal(oidScrypt):
		kdf, err := parseScryptParams(kdfID, c.keySize)
		if err != nil {
			return nil, nil, err
		}
		enc.KDF, enc.SaltLength = "scrypt", len(kdf.salt)
		enc.ScryptN, enc.ScryptR, enc.ScryptP = kdf.n, kdf.r, kdf.p
		s.cost = kdfCost{scryptN: kdf.n, scryptR: kdf.r, scryptP: kdf.p}
		deriveKey = func(pass []byte) ([]byte, error) {
			return scrypt.Key(pass, kdf.salt, int(kdf.n), int(kdf.r), int(kdf.p), c.keySize)
		}
	default:
		return nil, nil, errors.New("unsupported PBES2 key derivation function with OID " + kdfOID.String())
	}
	s.derive = func(pass []byte) ([]byte, []byte, error) {
		key, err := deriveKey(pass)
		return key, iv, err
	}
	return s, enc, nil
}

type pbkdf2Params struct {
	salt       []byte
	iterations uint64
	prf        *prf
}

// parsePBKDF2Params reads PBKDF2-params (RFC 8018 A.2) from the rest of the KDF's
// AlgorithmIdentifier. keySize is the cipher's, which a keyLength must match.
func parsePBKDF2Params(algID cryptobyte.String, keySize int) (*pbkdf2Params, error) {
	var p cryptobyte.String
	k := &pbkdf2Params{prf: prfHMACSHA1}
	if !algID.ReadASN1(&p, cbasn1.SEQUENCE) || !algID.Empty() {
		return nil, errors.New("malformed PBKDF2 parameters")
	}
	if !p.PeekASN1Tag(cbasn1.OCTET_STRING) {
		return nil, errors.New("unsupported PBKDF2 salt source (only a specified salt is read)")
	}
	if !p.ReadASN1Bytes(&k.salt, cbasn1.OCTET_STRING) || !readCount(&p, &k.iterations) {
		return nil, errors.New("malformed PBKDF2 parameters")
	}
	if p.PeekASN1Tag(cbasn1.INTEGER) {
		var keyLength uint64
		if !readCount(&p, &keyLength) {
			return nil, errors.New("malformed PBKDF2 key length")
		}
		if keyLength != uint64(keySize) {
			return nil, fmt.Errorf("PBKDF2 key length %d does not fit the cipher's %d", keyLength, keySize)
		}
	}
	if p.PeekASN1Tag(cbasn1.SEQUENCE) {
		var prfID cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !p.ReadASN1(&prfID, cbasn1.SEQUENCE) || !prfID.ReadASN1ObjectIdentifier(&oid) {
			return nil, errors.New("malformed PBKDF2 PRF")
		}
		f, ok := pbkdf2PRFs[oid.String()]
		if !ok {
			return nil, errors.New("unsupported PBKDF2 PRF with OID " + oid.String())
		}
		k.prf = f
	}
	if !p.Empty() {
		return nil, errors.New("malformed PBKDF2 parameters")
	}
	return k, nil
}

type scryptParams struct {
	salt    []byte
	n, r, p uint64
}

// parseScryptParams reads scrypt-params (RFC 7914 section 7.1). The parameters are
// checked here as scrypt.Key would check them, so that a key it would refuse is
// refused before the passphrase is asked for; their size is checked against the
// limits by kdfCost.
func parseScryptParams(algID cryptobyte.String, keySize int) (*scryptParams, error) {
	var p cryptobyte.String
	k := &scryptParams{}
	if !algID.ReadASN1(&p, cbasn1.SEQUENCE) || !algID.Empty() ||
		!p.ReadASN1Bytes(&k.salt, cbasn1.OCTET_STRING) ||
		!readCount(&p, &k.n) || !readCount(&p, &k.r) || !readCount(&p, &k.p) {
		return nil, errors.New("malformed scrypt parameters")
	}
	if p.PeekASN1Tag(cbasn1.INTEGER) {
		var keyLength uint64
		if !readCount(&p, &keyLength) {
			return nil, errors.New("malformed scrypt key length")
		}
		if keyLength != uint64(keySize) {
			return nil, fmt.Errorf("scrypt key length %d does not fit the cipher's %d", keyLength, keySize)
		}
	}
	if !p.Empty() {
		return nil, errors.New("malformed scrypt parameters")
	}
	if k.n < 2 || k.n&(k.n-1) != 0 {
		return nil, fmt.Errorf("scrypt cost N=%d is not a power of 2 greater than 1", k.n)
	}
	// RFC 7914 section 2 requires N < 2^(128·r/8), as openssl checks.
	if k.r < 4 && k.n >= 1<<(16*k.r) {
		return nil, fmt.Errorf("scrypt cost N=%d is not below 2^(16·r) for r=%d", k.n, k.r)
	}
	return k, nil
}
