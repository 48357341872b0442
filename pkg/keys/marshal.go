package keys

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// MarshalPKCS8DER returns key as unencrypted PKCS#8 DER, the ".pk8" file the
// PostgreSQL JDBC driver wants for sslkey. key is an *rsa.PrivateKey,
// *ecdsa.PrivateKey or ed25519.PrivateKey.
func MarshalPKCS8DER(key crypto.Signer) ([]byte, error) {
	if k, ok := key.(*RSAPSSKey); ok {
		// Kept an RSA-PSS key, so that rewriting it (strip, encrypt) does not
		// lift its restriction to PSS signatures.
		return MarshalRSAPSSPKCS8DER(k), nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return der, nil
}

// MarshalPKCS8PEM returns key as an unencrypted PKCS#8 PEM block ("PRIVATE KEY"),
// pgcert's default output: OpenSSL 1.0 and later, the server and libpq read it for
// every key type, unlike PKCS#1 and SEC1 which exist for RSA and ECDSA only.
func MarshalPKCS8PEM(key crypto.Signer) ([]byte, error) {
	der, err := MarshalPKCS8DER(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
