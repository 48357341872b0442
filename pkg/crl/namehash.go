package crl

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/x509name"
)

// ErrNameHash is wrapped by NameHash's errors: the name is not DER, or holds a
// string OpenSSL cannot convert to UTF-8 (and so would not load either).
var ErrNameHash = errors.New("crl: cannot hash name")

// NameHash returns OpenSSL's hash of a DER Name (X509_NAME_hash_ex, what
// `openssl x509 -subject_hash` and `openssl crl -hash` print), which names the files
// of a hashed certificate or CRL directory such as PostgreSQL's ssl_crl_dir: for a
// CRL, hash its issuer (RawIssuer).
//
// The hash is taken over OpenSSL's canonical form of the name (x509name.Canonical,
// the form OpenSSL also compares names by). SHA-1 is used because the directory
// format is defined with it; it names files and protects nothing. The result is the first four bytes of the digest
// read little-endian; print it with %08x.
func NameHash(rawName []byte) (uint32, error) {
	canon, ok := x509name.Canonical(rawName)
	if !ok {
		return 0, fmt.Errorf("%w: not a DER Name, or a string OpenSSL cannot convert to UTF-8", ErrNameHash)
	}
	sum := sha1.Sum(canon)
	return binary.LittleEndian.Uint32(sum[:4]), nil
}
