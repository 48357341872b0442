package pgdata

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/selfsign"
)

// CertAuthOptions describe a hostssl record with the cert method (or
// clientcert=verify-full), for CheckCertAuth.
type CertAuthOptions struct {
	// Role is the database role the client asks for (user=).
	Role string
	// ClientName is "CN" (the default) or "DN" (clientname=DN, 14+): which
	// part of the certificate names the client.
	ClientName string
	// Map is the record's map= option, Ident the pg_ident.conf lines it is
	// looked up in; without Map the name must equal Role.
	Map   string
	Ident []IdentLine
}

// CertAuth is what the server decides about a client certificate for a role.
type CertAuth struct {
	OK bool `json:"ok"`
	// Name is the certificate's name the server compares: its Common Name, or
	// its subject in RFC 2253 form with ClientName DN; empty when it has none.
	Name string `json:"name"`
	// Log is the server's log line for a refusal; the client is only told
	// Client.
	Log    string `json:"server_log,omitempty"`
	Client string `json:"client_error,omitempty"`
}

var oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}

// CheckCertAuth predicts PostgreSQL 15's CheckCertAuth and check_usermap for
// cert on cert: the first Common Name (what X509_NAME_get_text_by_NID
// returns; a certificate without one, as mkcert makes, names no user and is
// refused), or the RFC 2253 subject, compared with the role exactly or looked
// up in the map. The server tells the client only "certificate
// authentication failed"; the reason is in its log, which Log quotes.
func CheckCertAuth(cert *x509.Certificate, o CertAuthOptions) (CertAuth, error) {
	var a CertAuth
	switch o.ClientName {
	case "", "CN":
		cn, err := firstCommonName(cert.RawSubject)
		if err != nil {
			return a, err
		}
		a.Name = cn
		if strings.IndexByte(a.Name, 0) >= 0 {
			a.Log = "SSL certificate's common name contains embedded null"
			a.Client = "server closed the connection unexpectedly"
			return a, nil
		}
	case "DN":
		dn, err := selfsign.FormatRFC2253(cert.RawSubject)
		if err != nil {
			return a, fmt.Errorf("pgdata: the certificate's subject: %w", err)
		}
		a.Name = dn
	default:
		return a, fmt.Errorf("pgdata: clientname must be CN or DN, not %q", o.ClientName)
	}
	failed := fmt.Sprintf(`FATAL:  certificate authentication failed for user "%s"`, o.Role)
	if a.Name == "" {
		a.Log = fmt.Sprintf(`certificate authentication failed for user "%s": client certificate contains no user name`, o.Role)
		a.Client = failed
		return a, nil
	}
	if o.Map == "" {
		if a.Name == o.Role {
			a.OK = true
			return a, nil
		}
		a.Log = fmt.Sprintf(`provided user name (%s) and authenticated user name (%s) do not match`, o.Role, a.Name)
		a.Client = failed
		return a, nil
	}
	ok, err := IdentMatch(o.Ident, o.Map, a.Name, o.Role)
	if err != nil {
		return a, err
	}
	if ok {
		a.OK = true
		return a, nil
	}
	a.Log = fmt.Sprintf(`no match in usermap "%s" for user "%s" authenticated as "%s"`, o.Map, o.Role, a.Name)
	a.Client = failed
	return a, nil
}

// firstCommonName is the first Common Name of a DER subject, in the order of
// the certificate, as OpenSSL's X509_NAME_get_text_by_NID finds it.
func firstCommonName(rawSubject []byte) (string, error) {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(rawSubject, &rdns); err != nil || len(rest) > 0 {
		return "", fmt.Errorf("pgdata: the certificate's subject is not a valid name: %v", err)
	}
	for _, rdn := range rdns {
		for _, atv := range rdn {
			if atv.Type.Equal(oidCommonName) {
				s, _ := atv.Value.(string)
				return s, nil
			}
		}
	}
	return "", nil
}
