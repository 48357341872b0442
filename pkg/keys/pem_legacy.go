package keys

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// legacyPEMCiphers are the DEK-Info ciphers read, by openssl's name. These are the
// ones `openssl rsa|ec|pkey -traditional` writes with -des, -des3, -aes128, -aes192
// and -aes256.
var legacyPEMCiphers = map[string]*blockCipher{
	"DES-CBC":      cipherDESCBC,
	"DES-EDE3-CBC": cipherDES3CBC,
	"AES-128-CBC":  cipherAES128CBC,
	"AES-192-CBC":  cipherAES192CBC,
	"AES-256-CBC":  cipherAES256CBC,
}

// parseLegacyPEM reads the "Proc-Type: 4,ENCRYPTED" and "DEK-Info: CIPHER,IV" headers
// of a traditional OpenSSL PEM block (RFC 1421 in spirit, OpenSSL's PEM_do_header in
// fact) and returns the sealed key.
//
// The key is EVP_BytesToKey(MD5, passphrase, salt = the IV's first 8 bytes, one
// iteration). crypto/x509's DecryptPEMBlock does the same but is deprecated because
// it cannot tell a wrong passphrase from a bad file; here the padding and the
// decrypted DER make that call.
func parseLegacyPEM(headers map[string]string, ciphertext []byte) (*sealedKey, *Encryption, error) {
	if pt := headers["Proc-Type"]; strings.ReplaceAll(pt, " ", "") != "4,ENCRYPTED" {
		return nil, nil, fmt.Errorf("unsupported Proc-Type %q", pt)
	}
	dek, ok := headers["DEK-Info"]
	if !ok {
		return nil, nil, errors.New(`"Proc-Type: 4,ENCRYPTED" without a DEK-Info header`)
	}
	name, hexIV, ok := strings.Cut(dek, ",")
	if !ok {
		return nil, nil, fmt.Errorf("malformed DEK-Info %q", dek)
	}
	name = strings.ToUpper(strings.TrimSpace(name))
	c, ok := legacyPEMCiphers[name]
	if !ok {
		return nil, nil, &UnsupportedCipherError{Cipher: name}
	}
	iv, err := hex.DecodeString(strings.TrimSpace(hexIV))
	if err != nil {
		return nil, nil, fmt.Errorf("malformed DEK-Info IV: %v", err)
	}
	if err := c.checkCiphertext(iv, ciphertext); err != nil {
		return nil, nil, err
	}
	enc := &Encryption{
		Scheme:     "PEM (Proc-Type 4,ENCRYPTED)",
		KDF:        "EVP_BytesToKey (MD5)",
		Cipher:     c.name,
		Iterations: 1,
		SaltLength: 8,
	}
	s := &sealedKey{
		cipher:     c,
		ciphertext: ciphertext,
		cost:       kdfCost{iterations: 1},
		derive: func(pass []byte) ([]byte, []byte, error) {
			return evpBytesToKey(pass, iv[:8], c.keySize), iv, nil
		},
	}
	return s, enc, nil
}

// evpBytesToKey is OpenSSL's EVP_BytesToKey with MD5 and one iteration:
// D_1 = MD5(pass || salt), D_i = MD5(D_{i-1} || pass || salt), concatenated to size.
// MD5 here is what the format fixes, not a choice.
func evpBytesToKey(pass, salt []byte, size int) []byte {
	var out, prev []byte
	for len(out) < size {
		h := md5.New()
		h.Write(prev)
		h.Write(pass)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:size]
}
