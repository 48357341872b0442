package keys

import (
	"crypto"
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

// MarshalLegacyEncryptedPEM returns key in OpenSSL's traditional encrypted PEM form,
// what `openssl pkey -traditional -aes256` writes: PKCS#1 ("RSA PRIVATE KEY") or
// SEC1 ("EC PRIVATE KEY") with "Proc-Type: 4,ENCRYPTED" and "DEK-Info: AES-256-CBC,IV"
// headers, the AES key derived by EVP_BytesToKey (MD5, one iteration, salt = the IV's
// first 8 bytes).
//
// It is a legacy format, kept for one reason: Go's pgx driver (and other clients built
// on crypto/x509's deprecated DecryptPEMBlock) reads only this form of encrypted key,
// not PKCS#8. Its key derivation is a single MD5, so a stolen file is far cheaper to
// attack than pgcert's PKCS#8 default (MarshalEncryptedPKCS8PEM): use it only for such
// a client. Ed25519 keys have no traditional form. rnd gives the IV; nil means
// crypto/rand.
func MarshalLegacyEncryptedPEM(key crypto.Signer, passphrase []byte, rnd io.Reader) ([]byte, error) {
	var (
		typ string
		der []byte
		err error
	)
	switch k := key.(type) {
	case *rsa.PrivateKey:
		typ, der = "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)
	case *ecdsa.PrivateKey:
		typ = "EC PRIVATE KEY"
		der, err = x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
	default:
		return nil, fmt.Errorf("keys: a %T key has no traditional (legacy) PEM form: only RSA and ECDSA keys do", key)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	c := cipherAES256CBC
	iv := make([]byte, 16)
	if _, err := io.ReadFull(rnd, iv); err != nil {
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
			"DEK-Info":  "AES-256-CBC," + strings.ToUpper(hex.EncodeToString(iv)),
		},
		Bytes: sealed,
	}), nil
}
