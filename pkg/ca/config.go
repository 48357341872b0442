package ca

import (
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// opensslConfig returns an openssl ca configuration for a CA directory, so that
// openssl works on it as pgcert does, run from the directory:
//
//	cd DIR && openssl ca -config openssl.cnf -gencrl -out crl.pem
//	cd DIR && openssl ca -config openssl.cnf -revoke cert.pem -crl_reason keyCompromise
//	cd DIR && openssl ca -config openssl.cnf -extensions pgcert_client -in req.csr -out cert.pem
//
// or from anywhere with PGCERT_CA_DIR=DIR in the environment. The directory is not
// written into the file: a copied or moved CA directory must never work on the
// original, which an absolute dir line made it do without a word. openssl reads
// $ENV::PGCERT_CA_DIR from the environment and, when it is unset, from the file's
// default section, which says "." (the working directory).
//
// The extension sections are pgcert's profiles: CA:FALSE, the key usage of an ECDSA
// leaf (an RSA server adds keyEncipherment) and serverAuth or clientAuth. The
// request's extensions are not copied (copy_extensions = none, openssl's default), as
// pgcert never honours a requested CA:TRUE either; give SANs with -addext or a
// section of your own.
func opensslConfig() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `# openssl ca configuration for this pgcert CA directory. pgcert itself does not
# read this file. Paths are relative to the CA directory, so that a copy works on
# itself: run openssl from the directory,
#   cd CA_DIR && openssl ca -config openssl.cnf -gencrl -out crl.pem
# or name the directory in the environment:
#   PGCERT_CA_DIR=CA_DIR openssl ca -config CA_DIR/openssl.cnf -gencrl -out crl.pem
# Do not run openssl ca and pgcert on the directory at the same time: openssl ca
# takes no lock.
PGCERT_CA_DIR = .

[ ca ]
default_ca = pgcert_ca

[ pgcert_ca ]
dir = $ENV::PGCERT_CA_DIR
database = $dir/%s
new_certs_dir = $dir/%s
certificate = $dir/%s
private_key = $dir/%s
serial = $dir/%s
crlnumber = $dir/%s
crl = $dir/%s
unique_subject = no
default_md = default
default_days = %d
default_crl_days = %d
policy = pgcert_policy
x509_extensions = pgcert_server
crl_extensions = pgcert_crl
copy_extensions = none
preserve = yes

[ pgcert_policy ]
commonName = supplied

[ pgcert_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ pgcert_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ pgcert_crl ]
authorityKeyIdentifier = keyid:always
`, IndexFile, NewCertsDir, CertFile, KeyFile, SerialFile, CRLNumberFile, CRLFile,
		selfsign.DefaultServerDays, crl.DefaultDays)
	return []byte(b.String())
}
