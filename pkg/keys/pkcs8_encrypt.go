package keys

import (
	"crypto"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/pem"
	"fmt"
	"io"
	"strconv"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// DefaultIterations is the PBKDF2-HMAC-SHA256 iteration count of the keys pgcert
// encrypts. It is a balance:
//
//   - openssl's own default, 2048, lets a single current GPU try millions of
//     passphrases a second against a stolen key;
//   - OWASP's 600,000 for password storage assumes one check per login, but libpq
//     decrypts an encrypted client key on every connection (sslpassword) and the
//     server at every start and reload, so each connection would wait for it.
//
// 100,000 makes each guess about 50 times dearer than openssl's default while a
// decryption stays well under a tenth of a second. Measured with BenchmarkDecrypt
// on a busy 2-vCPU x86-64 VM (best of several runs): 2048 iterations 1.1 ms,
// 100,000 iterations 40 ms, 600,000 iterations 185 ms; openssl 3.0 took 41 ms more
// for `openssl pkey` on a 100,000-iteration key than on an unencrypted one.
const DefaultIterations = 100_000

// saltSize is 16 bytes, twice RFC 8018's minimum of 8 and what openssl 3 writes.
const saltSize = 16

// EncryptOptions tunes MarshalEncryptedPKCS8PEM and MarshalEncryptedPKCS8DER. The zero
// value is what pgcert uses.
type EncryptOptions struct {
	// Iterations is the PBKDF2 iteration count; zero means DefaultIterations. At most
	// MaxIterations, so that pgcert can read back what it writes.
	Iterations int
	// Rand provides the salt and the IV; nil means crypto/rand.
	Rand io.Reader
}

// MarshalEncryptedPKCS8DER returns key as a DER EncryptedPrivateKeyInfo: PBES2 with
// PBKDF2-HMAC-SHA256 and AES-256-CBC, a random 16-byte salt and IV. That is what
// `openssl pkcs8 -topk8 -v2 aes-256-cbc -iter N` writes, and OpenSSL 1.0.2 and later,
// the server and libpq read it. AES-GCM is never used: OpenSSL 3.0 cannot read it in
// PKCS#8.
func MarshalEncryptedPKCS8DER(key crypto.Signer, passphrase []byte, opts EncryptOptions) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	iterations := opts.Iterations
	switch {
	case iterations == 0:
		iterations = DefaultIterations
	case iterations < 0:
		return nil, &OptionError{Option: "iteration count", Value: strconv.Itoa(iterations), Reason: "must be positive"}
	case iterations > MaxIterations:
		return nil, &LimitError{What: "KDF iteration count", Value: uint64(iterations), Limit: MaxIterations}
	}
	plaintext, err := MarshalPKCS8DER(key)
	if err != nil {
		return nil, err
	}
	return sealPKCS8(plaintext, passphrase, iterations, opts.Rand)
}

// sealPKCS8 encrypts a DER PrivateKeyInfo into an EncryptedPrivateKeyInfo.
func sealPKCS8(plaintext, passphrase []byte, iterations int, r io.Reader) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	salt := make([]byte, saltSize)
	iv := make([]byte, cipherAES256CBC.blockSize)
	if _, err := io.ReadFull(r, salt); err != nil {
		return nil, fmt.Errorf("keys: reading a salt: %w", err)
	}
	if _, err := io.ReadFull(r, iv); err != nil {
		return nil, fmt.Errorf("keys: reading an IV: %w", err)
	}
	aesKey, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iterations, cipherAES256CBC.keySize)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	ciphertext, err := encryptCBC(cipherAES256CBC, aesKey, iv, plaintext)
	if err != nil {
		return nil, err
	}

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncryptedPrivateKeyInfo
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // encryptionAlgorithm
			b.AddASN1ObjectIdentifier(oidPBES2)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // PBES2-params
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // keyDerivationFunc
					b.AddASN1ObjectIdentifier(oidPBKDF2)
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // PBKDF2-params
						b.AddASN1OctetString(salt)
						b.AddASN1Int64(int64(iterations))
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // prf
							b.AddASN1ObjectIdentifier(oidHMACWithSHA256)
							b.AddASN1NULL()
						})
					})
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // encryptionScheme
					b.AddASN1ObjectIdentifier(oidAES256CBC)
					b.AddASN1OctetString(iv)
				})
			})
		})
		b.AddASN1OctetString(ciphertext)
	})
	der, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return der, nil
}

// MarshalEncryptedPKCS8PEM returns key as an "ENCRYPTED PRIVATE KEY" PEM block,
// encrypted as MarshalEncryptedPKCS8DER says. It is the format to use for an encrypted
// server key (with ssl_passphrase_command) or client key (with sslpassword).
func MarshalEncryptedPKCS8PEM(key crypto.Signer, passphrase []byte, opts EncryptOptions) ([]byte, error) {
	der, err := MarshalEncryptedPKCS8DER(key, passphrase, opts)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}), nil
}
