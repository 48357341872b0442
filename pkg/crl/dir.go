package crl

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
)

// DirEntry is one file of an OpenSSL hashed CRL directory.
type DirEntry struct {
	// Name is the file name, "<issuer hash>.r<N>".
	Name string
	// Issuer is the CRL's issuer, for messages.
	Issuer string
	// PEM is the file's content: the CRL as one PEM block, the only form OpenSSL's
	// directory lookup (X509_LOOKUP_hash_dir, loading X509_FILETYPE_PEM) reads.
	PEM []byte
}

// DirName returns the file name OpenSSL looks up for the n-th CRL (from 0) whose
// issuer hashes to hash: "%08x.r%d".
func DirName(hash uint32, n int) string {
	return fmt.Sprintf("%08x.r%d", hash, n)
}

var dirNameRE = regexp.MustCompile(`^[0-9a-f]{8}\.r[0-9]+$`)

// IsDirName reports whether name has the form of a hashed CRL file name, so that a
// tool rewriting the directory knows which files it owns.
func IsDirName(name string) bool {
	return dirNameRE.MatchString(name)
}

// DirEntries names the files of a hashed CRL directory (PostgreSQL's ssl_crl_dir,
// libpq's sslcrldir, `openssl rehash`) holding crls. When verifying a certificate,
// OpenSSL hashes the issuer's name and reads <hash>.r0, <hash>.r1, ... until a file
// is missing, so CRLs whose issuers share a hash (different issuers colliding, or
// several CRLs of one issuer) get consecutive numbers, in the order given. Merge
// first to keep one CRL per issuer.
func DirEntries(crls []*x509.RevocationList) ([]DirEntry, error) {
	seen := map[uint32]int{}
	out := make([]DirEntry, 0, len(crls))
	for _, c := range crls {
		h, err := NameHash(c.RawIssuer)
		if err != nil {
			return nil, fmt.Errorf("%w (CRL of %s)", err, c.Issuer)
		}
		out = append(out, DirEntry{
			Name:   DirName(h, seen[h]),
			Issuer: c.Issuer.String(),
			PEM:    pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: c.Raw}),
		})
		seen[h]++
	}
	return out, nil
}
