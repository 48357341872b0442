package keys

import (
	"crypto"
	"io"
)

// Format is the encoding a private key is written in. The zero value is FormatPKCS8PEM.
type Format string

// The formats a key is written in.
const (
	// FormatPKCS8PEM is PKCS#8 PEM ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with
	// PBES2): the default, which the server, libpq and openssl 1.0.2 and later read.
	FormatPKCS8PEM Format = "pkcs8"
	// FormatTraditional is OpenSSL's traditional encrypted PEM ("Proc-Type:
	// 4,ENCRYPTED", see MarshalLegacyEncryptedPEM): a legacy form, only for clients
	// that read nothing else, Go's pgx first among them. Its key derivation is one
	// MD5, so it is only ever written encrypted on request.
	FormatTraditional Format = "traditional"
	// FormatPKCS8DER is PKCS#8 in DER: what `openssl pkcs8 -topk8 -outform DER`
	// writes and the JDBC driver reads (postgresql.pk8). The server and libpq read
	// only PEM key files.
	FormatPKCS8DER Format = "der"
)

// legacyBits is the AES key size of traditional encrypted PEM keys: the largest,
// what `openssl pkey -traditional -aes256` writes.
const legacyBits = 256

// Marshal returns key in format f, encrypted with passphrase unless passphrase is
// nil. FormatTraditional needs a passphrase: unencrypted, PKCS#8 is read by every
// client that reads the traditional form. rnd gives salts and IVs; nil means
// crypto/rand.
func Marshal(key crypto.Signer, passphrase []byte, f Format, rnd io.Reader) ([]byte, error) {
	switch f {
	case FormatPKCS8PEM, "":
		if passphrase == nil {
			return MarshalPKCS8PEM(key)
		}
		return MarshalEncryptedPKCS8PEM(key, passphrase, EncryptOptions{Rand: rnd})
	case FormatPKCS8DER:
		if passphrase == nil {
			return MarshalPKCS8DER(key)
		}
		return MarshalEncryptedPKCS8DER(key, passphrase, EncryptOptions{Rand: rnd})
	case FormatTraditional:
		if passphrase == nil {
			return nil, &OptionError{Option: "key format", Value: string(f), Reason: "the traditional form is written encrypted only: an unencrypted key is read by every client as PKCS#8"}
		}
		return MarshalLegacyEncryptedPEM(key, passphrase, legacyBits, rnd)
	}
	return nil, &OptionError{Option: "key format", Value: string(f), Valid: []string{string(FormatPKCS8PEM), string(FormatTraditional), string(FormatPKCS8DER)}}
}
