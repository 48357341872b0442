// Package keys generates, reads, encrypts and decrypts the private keys PostgreSQL's
// server and libpq use: RSA, ECDSA (P-256, P-384, and P-521 when reading) and Ed25519,
// in PKCS#8, PKCS#1 or SEC1, PEM or DER, plain or encrypted the ways OpenSSL 1.0 to
// 3 encrypt them (PBES2 with PBKDF2 or scrypt, PBES1, legacy PEM encryption).
//
// Keys are written as PKCS#8, encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)
// when a passphrase is given: the one format OpenSSL 3, the server and libpq all read.
package keys
