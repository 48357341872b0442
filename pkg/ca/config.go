package ca

import (
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// opensslConfig returns an openssl ca configuration for the CA directory dir, so that
// openssl works on it as pgcert does:
//
//	openssl ca -config DIR/openssl.cnf -gencrl -out crl.pem
//	openssl ca -config DIR/openssl.cnf -revoke cert.pem -crl_reason keyCompromise
//	openssl ca -config DIR/openssl.cnf -extensions pgcert_client -in req.csr -out cert.pem
//
// The extension sections are pgcert's profiles: CA:FALSE, the key usage of an ECDSA
// leaf (an RSA server adds keyEncipherment) and serverAuth or clientAuth. The
// request's extensions are not copied (copy_extensions = none, openssl's default), as
// pgcert never honours a requested CA:TRUE either; give SANs with -addext or a
// section of your own.
func opensslConfig(dir string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `# openssl ca configuration for this pgcert CA directory. pgcert itself does not
# read this file. Do not run openssl ca and pgcert on the directory at the same time:
# openssl ca takes no lock.
[ ca ]
default_ca = pgcert_ca

[ pgcert_ca ]
dir = %s
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
`, confQuote(dir), IndexFile, NewCertsDir, CertFile, KeyFile, SerialFile, CRLNumberFile, CRLFile,
		selfsign.DefaultServerDays, crl.DefaultDays)
	return []byte(b.String())
}

// confQuote escapes what openssl's configuration reader would otherwise interpret in
// a value: a backslash escapes the next character, $ starts a variable, # a comment,
// and quotes group.
func confQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '$', '#', '"', '\'':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
