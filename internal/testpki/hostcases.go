package testpki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"testing"
)

// HostCase is one host-name check libpq makes under sslmode=verify-full: a server
// certificate, the host parameter of the connection, and what libpq answers. The
// cases are shared so that the same table can judge pgcert's prediction (unit tests)
// and real libpq (end-to-end tests connecting with host=Host hostaddr=127.0.0.1): every
// Host is a valid conninfo host, and every certificate loads in a real server.
type HostCase struct {
	Name string
	// CNs are the subject's Common Names, each its own RDN, in order (none: the
	// subject is O=pgcert test only).
	CNs []string
	// SANs are the subjectAltName entries in order (none: no extension).
	SANs []SAN
	Host string
	// Err is libpq's error message, without "psql: error: " or the connection
	// prefix; empty when libpq accepts the certificate.
	Err string
}

// Make makes the case's server certificate (EKU serverAuth) signed by ca.
func (hc HostCase) Make(t testing.TB, ca *Cert) *Cert {
	t.Helper()
	subject := &pkix.Name{Organization: []string{"pgcert test"}}
	for _, cn := range hc.CNs {
		subject.ExtraNames = append(subject.ExtraNames, pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn})
	}
	if len(hc.CNs) > 0 {
		subject = &pkix.Name{ExtraNames: subject.ExtraNames}
	}
	return Make(t, Template{Subject: subject, SANs: hc.SANs, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca)
}

// DNS and IP build SAN entries for tables.
func DNS(name string) SAN { return SAN{DNS: name} }

// IP builds an iPAddress SAN: 4 bytes for an IPv4 address, 16 for IPv6.
func IP(addr string) SAN {
	ip := net.ParseIP(addr)
	if v4 := ip.To4(); v4 != nil && !containsColon(addr) {
		ip = v4
	}
	return SAN{IP: ip}
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

// HostCases are libpq 15's host-name rules (fe-secure-common.c and
// fe-secure-openssl.c), one case per rule and per message form.
var HostCases = []HostCase{
	// Common Name only.
	{Name: "cn matches", CNs: []string{"db.example.com"}, Host: "db.example.com"},
	{Name: "cn matches ignoring ascii case", CNs: []string{"DB.Example.COM"}, Host: "db.example.COM"},
	{Name: "cn differs", CNs: []string{"db.example.com"}, Host: "other.example.com",
		Err: `server certificate for "db.example.com" does not match host name "other.example.com"`},
	{Name: "trailing dot is not stripped", CNs: []string{"db.example.com"}, Host: "db.example.com.",
		Err: `server certificate for "db.example.com" does not match host name "db.example.com."`},
	{Name: "only the first cn counts", CNs: []string{"first.example.com", "db.example.com"}, Host: "db.example.com",
		Err: `server certificate for "first.example.com" does not match host name "db.example.com"`},
	{Name: "no names at all", Host: "db.example.com",
		Err: `could not get server's host name from server certificate`},

	// dNSName SANs hide the CN from a DNS host.
	{Name: "dns san matches", CNs: []string{"db"}, SANs: []SAN{DNS("a.example.com"), DNS("db.example.com")}, Host: "db.example.com"},
	{Name: "dns san hides cn", CNs: []string{"db.example.com"}, SANs: []SAN{DNS("alt.example.com")}, Host: "db.example.com",
		Err: `server certificate for "alt.example.com" does not match host name "db.example.com"`},
	{Name: "two sans one other name", CNs: []string{"db.example.com"}, SANs: []SAN{DNS("a.example.com"), DNS("b.example.com")}, Host: "db.example.com",
		Err: `server certificate for "a.example.com" (and 1 other name) does not match host name "db.example.com"`},
	{Name: "three sans other names", SANs: []SAN{DNS("a.example.com"), DNS("b.example.com"), DNS("c.example.com")}, Host: "db.example.com",
		Err: `server certificate for "a.example.com" (and 2 other names) does not match host name "db.example.com"`},
	{Name: "ip sans do not hide cn from dns host", CNs: []string{"db.example.com"}, SANs: []SAN{IP("10.0.0.1")}, Host: "db.example.com"},
	{Name: "dns host against ip san then cn", CNs: []string{"other.example.com"}, SANs: []SAN{IP("10.0.0.1")}, Host: "db.example.com",
		Err: `server certificate for "10.0.0.1" (and 1 other name) does not match host name "db.example.com"`},
	{Name: "ip san only dns host", SANs: []SAN{IP("127.0.0.1")}, Host: "localhost",
		Err: `server certificate for "127.0.0.1" does not match host name "localhost"`},

	// IP hosts.
	{Name: "ip host matches cn text", CNs: []string{"127.0.0.1"}, Host: "127.0.0.1"},
	{Name: "ip host checks cn despite dns sans", CNs: []string{"127.0.0.1"}, SANs: []SAN{DNS("db.example.com")}, Host: "127.0.0.1"},
	{Name: "ip host against dns san and cn", CNs: []string{"10.0.0.9"}, SANs: []SAN{DNS("db.example.com")}, Host: "127.0.0.1",
		Err: `server certificate for "db.example.com" (and 1 other name) does not match host name "127.0.0.1"`},
	{Name: "ip host matches dns san text", SANs: []SAN{DNS("127.0.0.1")}, Host: "127.0.0.1"},
	{Name: "ip host matches dns san text despite ip sans", SANs: []SAN{IP("10.0.0.1"), DNS("127.0.0.1")}, Host: "127.0.0.1"},
	{Name: "dns host never matches an ip san", SANs: []SAN{IP("127.0.0.1"), DNS("db.example.com")}, Host: "localhost",
		Err: `server certificate for "127.0.0.1" (and 1 other name) does not match host name "localhost"`},
	{Name: "ip san matches", CNs: []string{"db.example.com"}, SANs: []SAN{DNS("db.example.com"), IP("127.0.0.1")}, Host: "127.0.0.1"},
	{Name: "ip san hides cn from ip host", CNs: []string{"127.0.0.1"}, SANs: []SAN{IP("10.0.0.1")}, Host: "127.0.0.1",
		Err: `server certificate for "10.0.0.1" does not match host name "127.0.0.1"`},
	{Name: "ipv6 san hides cn from ipv4 host", CNs: []string{"127.0.0.1"}, SANs: []SAN{IP("::1")}, Host: "127.0.0.1",
		Err: `server certificate for "::1" does not match host name "127.0.0.1"`},
	{Name: "inet_aton shorthand host", SANs: []SAN{IP("127.0.0.1")}, Host: "127.1"},
	{Name: "ipv4 host against ipv4-mapped ipv6 san", SANs: []SAN{IP("::ffff:127.0.0.1")}, Host: "127.0.0.1",
		Err: `server certificate for "::ffff:127.0.0.1" does not match host name "127.0.0.1"`},
	{Name: "ipv6 san matches", SANs: []SAN{IP("::1")}, Host: "::1"},
	{Name: "ipv6 san matches long form", SANs: []SAN{IP("::1")}, Host: "0:0:0:0:0:0:0:1"},
	{Name: "ipv6 san differs", SANs: []SAN{IP("2001:db8::1"), IP("2001:db8:0:0:1::")}, Host: "2001:db8::2",
		Err: `server certificate for "2001:db8::1" (and 1 other name) does not match host name "2001:db8::2"`},

	// Wildcards.
	{Name: "wildcard covers one label", SANs: []SAN{DNS("*.example.com")}, Host: "db.example.com"},
	{Name: "wildcard ignores case", CNs: []string{"*.Example.com"}, Host: "DB.EXAMPLE.COM"},
	{Name: "wildcard does not cover two labels", SANs: []SAN{DNS("*.example.com")}, Host: "a.db.example.com",
		Err: `server certificate for "*.example.com" does not match host name "a.db.example.com"`},
	{Name: "wildcard does not cover the bare domain", SANs: []SAN{DNS("*.example.com")}, Host: "example.com",
		Err: `server certificate for "*.example.com" does not match host name "example.com"`},
	{Name: "no partial-label wildcard", SANs: []SAN{DNS("db*.example.com")}, Host: "db1.example.com",
		Err: `server certificate for "db*.example.com" does not match host name "db1.example.com"`},
	{Name: "no wildcard without a dot after it", SANs: []SAN{DNS("*db.example.com")}, Host: "xdb.example.com",
		Err: `server certificate for "*db.example.com" does not match host name "xdb.example.com"`},
	{Name: "wildcard only at the start", SANs: []SAN{DNS("db.*.com")}, Host: "db.example.com",
		Err: `server certificate for "db.*.com" does not match host name "db.example.com"`},
	{Name: "wildcard dns name matches ip host text", SANs: []SAN{DNS("*.0.0.1")}, Host: "127.0.0.1"},

	// Embedded NUL bytes.
	{Name: "nul in dns san", SANs: []SAN{DNS("db.example.com\x00.evil.example")}, Host: "db.example.com",
		Err: `SSL certificate's name contains embedded null`},
	{Name: "nul in cn", CNs: []string{"db.example.com\x00.evil.example"}, Host: "db.example.com",
		Err: `SSL certificate's name contains embedded null`},
	{Name: "nul after a mismatch still fails", SANs: []SAN{DNS("a.example.com"), DNS("x\x00y")}, Host: "db.example.com",
		Err: `SSL certificate's name contains embedded null`},
	{Name: "nul after a match is not reached", SANs: []SAN{DNS("db.example.com"), DNS("x\x00y")}, Host: "db.example.com"},
}
