package inspect

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"net"
	"net/url"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// hexColon writes bytes as colon-separated hex.
func hexColon(data []byte, upper bool) string {
	digits := "0123456789abcdef"
	if upper {
		digits = "0123456789ABCDEF"
	}
	if len(data) == 0 {
		return ""
	}
	b := make([]byte, 0, 3*len(data)-1)
	for i, c := range data {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, digits[c>>4], digits[c&0xf])
	}
	return string(b)
}

// formatSerial writes a serial number as index.txt, newcerts/ file names, `openssl x509
// -serial`, `pgcert ca list` and `pgcert ca revoke` write it (ca.SerialHex): upper-case
// hex of its magnitude, an even number of digits, no separators; with "(Negative)"
// before a negative one (which RFC 5280 forbids, but old CAs wrote). Every serial
// pgcert shows then reads alike and can be pasted into `pgcert ca revoke`.
func formatSerial(n *big.Int) string {
	if n == nil {
		return ""
	}
	s := ca.SerialHex(new(big.Int).Abs(n).Bytes())
	if n.Sign() < 0 {
		return "(Negative)" + s
	}
	return s
}

// fingerprint is the SHA-256 of der as openssl's -fingerprint prints it:
// upper-case hex bytes separated by colons.
func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hexColon(sum[:], true)
}

// keyID writes a key identifier as openssl prints it: upper-case hex bytes
// separated by colons; "" when absent.
func keyID(id []byte) string {
	return hexColon(id, true)
}

// subjectName renders a DER name as openssl 3 prints it, or says why it cannot.
func subjectName(der []byte) string {
	s, err := selfsign.FormatSubject(der)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return s
}

// rfc2253Name renders a DER name as the server's clientname=DN sees it; "" when the
// name is malformed.
func rfc2253Name(der []byte) string {
	s, err := selfsign.FormatRFC2253(der)
	if err != nil {
		return ""
	}
	return s
}

// SANs are subject alternative names by type, as text. Every list is present in the
// JSON, empty when there is no name of that type.
type SANs struct {
	DNS   []string `json:"dns"`
	IP    []string `json:"ip"`
	Email []string `json:"email"`
	URI   []string `json:"uri"`
}

func makeSANs(dns []string, ips []net.IP, emails []string, uris []*url.URL) SANs {
	s := SANs{DNS: nonNil(dns), IP: []string{}, Email: nonNil(emails), URI: []string{}}
	for _, ip := range ips {
		s.IP = append(s.IP, ip.String())
	}
	for _, u := range uris {
		s.URI = append(s.URI, u.String())
	}
	return s
}

// Strings lists the names in openssl's subjectAltName syntax ("DNS:db.example.com",
// "IP:10.0.0.5"), the syntax --san takes.
func (s SANs) Strings() []string {
	var out []string
	for _, group := range []struct {
		prefix string
		names  []string
	}{{"DNS:", s.DNS}, {"IP:", s.IP}, {"email:", s.Email}, {"URI:", s.URI}} {
		for _, n := range group.names {
			out = append(out, group.prefix+n)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// keyUsageNames are RFC 5280's names for the KeyUsage bits, in bit order, as
// openssl's configuration files spell them.
var keyUsageNames = []string{
	"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
	"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
}

func keyUsage(ku x509.KeyUsage) []string {
	out := []string{}
	for i, name := range keyUsageNames {
		if ku&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// extKeyUsageNames are openssl's short names for the extended key usages.
var extKeyUsageNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:                            "anyExtendedKeyUsage",
	x509.ExtKeyUsageServerAuth:                     "serverAuth",
	x509.ExtKeyUsageClientAuth:                     "clientAuth",
	x509.ExtKeyUsageCodeSigning:                    "codeSigning",
	x509.ExtKeyUsageEmailProtection:                "emailProtection",
	x509.ExtKeyUsageTimeStamping:                   "timeStamping",
	x509.ExtKeyUsageOCSPSigning:                    "OCSPSigning",
	x509.ExtKeyUsageIPSECEndSystem:                 "ipsecEndSystem",
	x509.ExtKeyUsageIPSECTunnel:                    "ipsecTunnel",
	x509.ExtKeyUsageIPSECUser:                      "ipsecUser",
	x509.ExtKeyUsageMicrosoftServerGatedCrypto:     "msSGC",
	x509.ExtKeyUsageNetscapeServerGatedCrypto:      "nsSGC",
	x509.ExtKeyUsageMicrosoftCommercialCodeSigning: "msCodeCom",
	x509.ExtKeyUsageMicrosoftKernelCodeSigning:     "msKernelCodeSigning",
}

func extKeyUsage(known []x509.ExtKeyUsage, unknown []asn1.ObjectIdentifier) []string {
	out := []string{}
	for _, u := range known {
		if n, ok := extKeyUsageNames[u]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("ExtKeyUsage(%d)", u))
		}
	}
	for _, oid := range unknown {
		out = append(out, oid.String())
	}
	return out
}
