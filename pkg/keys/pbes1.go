package keys

import (
	"crypto/md5"
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// pbes1Scheme is a single-OID password-based encryption scheme: PKCS#5 PBES1
// (RFC 8018 6.1) or one of PKCS#12's (RFC 7292 appendix C), which openssl writes into
// PKCS#8 files with `-v1` and calls PBES1 as well.
type pbes1Scheme struct {
	// pkcs12 selects the PKCS#12 KDF; otherwise PBKDF1.
	pkcs12   bool
	hashName string
	hash     func() hash.Hash
	cipher   *blockCipher
	// unsupported names the cipher (or hash and cipher) when it is not read.
	unsupported string
}

// pbes1Schemes maps the scheme OIDs to their definitions. pbeWithSHAAnd3-KeyTripleDES-CBC
// was openssl 1.0's default for `openssl pkcs8 -topk8`, so old keys use it.
var pbes1Schemes = map[string]*pbes1Scheme{
	"1.2.840.113549.1.5.1":    {unsupported: "DES-CBC with MD2"},
	"1.2.840.113549.1.5.3":    {hashName: "MD5", hash: md5.New, cipher: cipherDESCBC},
	"1.2.840.113549.1.5.4":    {unsupported: "RC2-64-CBC"},
	"1.2.840.113549.1.5.6":    {unsupported: "RC2-64-CBC"},
	"1.2.840.113549.1.5.10":   {hashName: "SHA-1", hash: sha1.New, cipher: cipherDESCBC},
	"1.2.840.113549.1.5.11":   {unsupported: "RC2-64-CBC"},
	"1.2.840.113549.1.12.1.1": {unsupported: "RC4"},
	"1.2.840.113549.1.12.1.2": {unsupported: "RC4-40"},
	"1.2.840.113549.1.12.1.3": {pkcs12: true, hashName: "SHA-1", hash: sha1.New, cipher: cipherDES3CBC},
	"1.2.840.113549.1.12.1.4": {pkcs12: true, hashName: "SHA-1", hash: sha1.New, cipher: cipherDES2CBC},
	"1.2.840.113549.1.12.1.5": {unsupported: "RC2-CBC"},
	"1.2.840.113549.1.12.1.6": {unsupported: "RC2-40-CBC"},
}

// parsePBES1 reads PBEParameter (RFC 8018 A.3; RFC 7292 appendix C has the same
// shape) and returns the sealed key.
func parsePBES1(s *pbes1Scheme, params, ciphertext []byte) (*sealedKey, *Encryption, error) {
	if s.unsupported != "" {
		return nil, nil, &UnsupportedCipherError{Cipher: s.unsupported}
	}
	in := cryptobyte.String(params)
	var p cryptobyte.String
	var salt []byte
	var iterations uint64
	if !in.ReadASN1(&p, cbasn1.SEQUENCE) || !in.Empty() ||
		!p.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) || !readCount(&p, &iterations) || !p.Empty() {
		return nil, nil, errors.New("malformed PBES1 parameters")
	}
	if !s.pkcs12 && len(salt) != 8 {
		return nil, nil, fmt.Errorf("PBES1 salt is %d bytes, not 8", len(salt))
	}
	if err := s.cipher.checkCiphertext(nil, ciphertext); err != nil {
		return nil, nil, err
	}
	enc := &Encryption{
		Scheme:     "PBES1",
		KDF:        "PBKDF1",
		PRF:        s.hashName,
		Cipher:     s.cipher.name,
		Iterations: iterations,
		SaltLength: len(salt),
	}
	sk := &sealedKey{cipher: s.cipher, ciphertext: ciphertext, cost: kdfCost{iterations: iterations}}
	if s.pkcs12 {
		enc.KDF = "PKCS#12 KDF"
		sk.derive = func(pass []byte) ([]byte, []byte, error) {
			bmp := bmpPassword(pass)
			key := pkcs12KDF(s.hash, bmp, salt, pkcs12KeyID, int(iterations), s.cipher.keySize)
			iv := pkcs12KDF(s.hash, bmp, salt, pkcs12IVID, int(iterations), s.cipher.blockSize)
			return key, iv, nil
		}
	} else {
		sk.derive = func(pass []byte) ([]byte, []byte, error) {
			dk := pbkdf1(s.hash, pass, salt, int(iterations))
			return dk[:8], dk[8:16], nil
		}
	}
	return sk, enc, nil
}

// pbkdf1 is PBKDF1 (RFC 8018 5.1): the hash of passphrase and salt, hashed again
// iterations-1 times. PBES1's DES schemes take the key and IV from its first 16 bytes.
func pbkdf1(h func() hash.Hash, pass, salt []byte, iterations int) []byte {
	d := h()
	d.Write(pass)
	d.Write(salt)
	t := d.Sum(nil)
	for i := 1; i < iterations; i++ {
		d.Reset()
		d.Write(t)
		t = d.Sum(t[:0])
	}
	return t
}
