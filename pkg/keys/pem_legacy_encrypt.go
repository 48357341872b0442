package keys

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"strings"
)

// MarshalLegacyEncryptedPEM returns an RSA or ECDSA key in OpenSSL's traditional
// encrypted PEM form, what `openssl pkey -traditional -aes256` writes: PKCS#1 ("RSA
// PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") with "Proc-Type: 4,ENCRYPTED" and
// "DEK-Info: AES-<bits>-CBC,<IV>" headers, the AES key derived by EVP_BytesToKey (MD5,
// one iteration, salt = the IV's first 8 bytes).
//
// It is a legacy format, kept for two reasons: Go's pgx driver (and other clients
// built on crypto/x509's deprecated DecryptPEMBlock) reads only this form of
// encrypted key, not PKCS#8; and test suites, PostgreSQL's own among them, must cover
// it. Its key derivation is a single MD5, so a stolen file is far cheaper to attack
// than pgcert's PKCS#8 default (MarshalEncryptedPKCS8PEM): use it only for such a
// client. bits is 128, 192 or 256 (256 for a client); Ed25519 keys have no
// traditional form. r gives the IV; nil means crypto/rand.
func MarshalLegacyEncryptedPEM(key any, passphrase []byte, bits int, r io.Reader) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	c, ok := map[int]*blockCipher{128: cipherAES128CBC, 192: cipherAES192CBC, 256: cipherAES256CBC}[bits]
	if !ok {
		return nil, &OptionError{Option: "legacy PEM cipher", Value: fmt.Sprintf("AES-%d-CBC", bits), Reason: "use AES-128-CBC, AES-192-CBC or AES-256-CBC"}
	}
	var typ string
	var der []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		typ, der = "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)
	case *RSAPSSKey:
		typ, der = "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k.Key)
	case *ecdsa.PrivateKey:
		var err error
		if der, err = x509.MarshalECPrivateKey(k); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		typ = "EC PRIVATE KEY"
	default:
		return nil, &UnsupportedAlgorithmError{Algorithm: fmt.Sprintf("%T in legacy PEM (it has no traditional form: only RSA and ECDSA keys do)", key)}
	}
	if r == nil {
		r = rand.Reader
	}
	iv := make([]byte, 16)
	if _, err := io.ReadFull(r, iv); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	sealed, err := encryptCBC(c, evpBytesToKey(passphrase, iv[:8], c.keySize), iv, der)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{
		Type: typ,
		Headers: map[string]string{
			"Proc-Type": "4,ENCRYPTED",
			"DEK-Info":  fmt.Sprintf("AES-%d-CBC,%s", bits, strings.ToUpper(hex.EncodeToString(iv))),
		},
		Bytes: sealed,
	}), nil
}
