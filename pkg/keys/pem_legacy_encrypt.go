package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"strings"
)

// MarshalLegacyEncryptedPEM returns an RSA or ECDSA key as a traditional OpenSSL
// PEM block ("RSA PRIVATE KEY" with PKCS#1, "EC PRIVATE KEY" with SEC1) encrypted
// with "Proc-Type: 4,ENCRYPTED" and "DEK-Info: AES-<bits>-CBC,<IV>", what
// `openssl rsa -aes128` wrote before OpenSSL 3 and `-traditional` still writes.
//
// The format's key derivation is one MD5 round over passphrase and salt
// (EVP_BytesToKey), far weaker than PBES2: pgcert writes it only for test suites
// that must cover it, such as PostgreSQL's own. bits is 128, 192 or 256; r gives
// the IV and nil means crypto/rand.
func MarshalLegacyEncryptedPEM(key any, passphrase []byte, bits int, r io.Reader) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	if bits != 128 && bits != 192 && bits != 256 {
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
		return nil, &UnsupportedAlgorithmError{Algorithm: fmt.Sprintf("%T in legacy PEM", key)}
	}
	if r == nil {
		r = rand.Reader
	}
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(r, iv); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	// EVP_BytesToKey with MD5, the IV's first 8 bytes as salt, one iteration.
	keyLen := bits / 8
	var derived, prev []byte
	for len(derived) < keyLen {
		h := md5.New()
		h.Write(prev)
		h.Write(passphrase)
		h.Write(iv[:8])
		prev = h.Sum(nil)
		derived = append(derived, prev...)
	}
	block, err := aes.NewCipher(derived[:keyLen])
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	pad := aes.BlockSize - len(der)%aes.BlockSize
	plain := append(append([]byte{}, der...), make([]byte, pad)...)
	for i := len(der); i < len(plain); i++ {
		plain[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(plain, plain)
	return pem.EncodeToMemory(&pem.Block{
		Type: typ,
		Headers: map[string]string{
			"Proc-Type": "4,ENCRYPTED",
			"DEK-Info":  fmt.Sprintf("AES-%d-CBC,%s", bits, strings.ToUpper(hex.EncodeToString(iv))),
		},
		Bytes: plain,
	}), nil
}
