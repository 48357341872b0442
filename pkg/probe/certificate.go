package probe

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// Certificate describes one certificate of the chain a server sent, with the fields an
// admin compares with `openssl x509 -noout -subject -issuer -serial -dates
// -fingerprint -sha256`.
type Certificate struct {
	// Cert is the certificate itself.
	Cert *x509.Certificate `json:"-"`
	// Subject and Issuer are RFC 2253 strings, most specific attribute first, as Go's
	// pkix.Name.String writes them.
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// Serial is upper-case hexadecimal with an even number of digits, as openssl's
	// -serial prints it.
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// DaysLeft is the number of whole days from the probe's time to NotAfter; negative
	// once the certificate has expired.
	DaysLeft int `json:"days_left"`
	// SHA256 is the SHA-256 fingerprint of the DER certificate, upper-case hex bytes
	// joined by colons, as openssl's -fingerprint -sha256 prints it.
	SHA256      string   `json:"sha256_fingerprint"`
	IsCA        bool     `json:"is_ca"`
	SelfSigned  bool     `json:"self_signed"`
	DNSNames    []string `json:"dns_names,omitempty"`
	IPAddresses []string `json:"ip_addresses,omitempty"`
	// IssuedByNext says whether the next certificate of the chain signed this one, as
	// in a chain in the right order (leaf first, then each issuer); false for the last.
	IssuedByNext bool `json:"issued_by_next"`
}

// describeChain describes certs in the order the server sent them.
func describeChain(certs []*x509.Certificate, now time.Time) []Certificate {
	out := make([]Certificate, len(certs))
	for i, c := range certs {
		out[i] = describe(c, now)
		if i+1 < len(certs) {
			out[i].IssuedByNext = signedBy(c, certs[i+1])
		}
	}
	return out
}

func describe(c *x509.Certificate, now time.Time) Certificate {
	d := Certificate{
		Cert:       c,
		Subject:    c.Subject.String(),
		Issuer:     c.Issuer.String(),
		Serial:     chain.Serial(c),
		NotBefore:  c.NotBefore,
		NotAfter:   c.NotAfter,
		DaysLeft:   int(math.Floor(c.NotAfter.Sub(now).Hours() / 24)),
		SHA256:     chain.Fingerprint(c),
		IsCA:       c.BasicConstraintsValid && c.IsCA,
		SelfSigned: signedBy(c, c),
		DNSNames:   c.DNSNames,
	}
	for _, ip := range c.IPAddresses {
		d.IPAddresses = append(d.IPAddresses, ip.String())
	}
	return d
}

// signedBy reports whether parent's key made child's signature and parent's subject is
// child's issuer. It does not judge whether parent may act as a CA: that is the
// verifier's business.
func signedBy(child, parent *x509.Certificate) bool {
	if string(child.RawIssuer) != string(parent.RawSubject) {
		return false
	}
	return keys.CheckSignature(child.Raw, child.SignatureAlgorithm, parent.PublicKey) == nil
}

// decodeNames turns the distinguished names of a CertificateRequest (DER Names, as the
// server's ssl_ca_file lists them) into RFC 2253 strings. A name that does not decode
// is shown as its hex bytes rather than dropped, so the count stays true.
func decodeNames(ders [][]byte) []string {
	var out []string
	for _, der := range ders {
		var rdn pkix.RDNSequence
		rest, err := asn1.Unmarshal(der, &rdn)
		if err != nil || len(rest) != 0 {
			out = append(out, fmt.Sprintf("(undecodable name %X)", der))
			continue
		}
		var n pkix.Name
		n.FillFromRDNSequence(&rdn)
		out = append(out, n.String())
	}
	return out
}
