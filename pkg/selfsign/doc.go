// Package selfsign makes the pieces of a PostgreSQL SSL set-up that need no
// certificate authority: subjects and subject alternative names in openssl's
// syntax, certificate signing requests, the certificate profiles (server leaf,
// client leaf, root CA, intermediate CA), the certificate builder every other
// issuer reuses, and self-signed server certificates.
//
// The choices follow RFC 5280 and what OpenSSL, and therefore the PostgreSQL
// server and libpq, accept:
//
//   - signatures: ECDSA with SHA-256 for P-256 keys, SHA-384 for P-384,
//     SHA-512 for P-521, RSA PKCS#1 v1.5 with SHA-256, pure Ed25519; no SHA-1
//     or MD5 anywhere;
//   - serial numbers: 159 random bits, positive, below 2^159;
//   - every certificate carries a Subject Key Identifier (RFC 7093 method 1:
//     the leftmost 160 bits of the SHA-256 of the subjectPublicKey) and an
//     Authority Key Identifier (the issuer's key identifier; on a self-signed
//     certificate, its own);
//   - every leaf and every request carries a subjectAltName: the names given,
//     else the Common Name as a DNS name or an IP address.
//
// Nothing here reads the clock or a global random source implicitly: the
// current time is always passed in, and randomness comes from an io.Reader
// (crypto/rand.Reader when nil).
package selfsign
