package chain

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// HostError is libpq's refusal of a server certificate under sslmode=verify-full.
// Message is libpq's own text, word for word (PostgreSQL 15's
// fe-secure-common.c and fe-secure-openssl.c), so that a caller can print what psql
// will print.
type HostError struct {
	Host string
	// Names are the names libpq compared, in its order: the certificate's dNSName and
	// iPAddress SANs in certificate order, then the first Common Name when libpq fell
	// back to it. IP addresses are written as libpq writes them.
	Names   []string
	Message string
}

func (e *HostError) Error() string { return "chain: " + e.Message }

var oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}

// MatchHost decides, as libpq does for sslmode=verify-full, whether cert is a
// certificate for host (the connection's host parameter, never hostaddr). It returns
// nil for a match and a *HostError carrying libpq's message otherwise.
//
// libpq's rules, which differ from Go's crypto/x509 VerifyHostname:
//   - every dNSName and iPAddress SAN is compared, in order, whatever the host is;
//   - the first Common Name is compared too, unless the certificate has a SAN of the
//     host's own kind (a dNSName for a DNS host, an iPAddress for an IP host): so an
//     IP host is matched against the CN even when dNSName SANs exist;
//   - names compare with ASCII case folding; a name starting with "*." matches exactly
//     one leading label of the host, no other wildcard form counts. A DNS name (or CN)
//     is compared as text even when the host is an IP address, so "127.0.0.1" in a CN
//     matches host 127.0.0.1, and so does "*.0.0.1";
//   - an iPAddress SAN compares as bytes with the host parsed by inet_aton (4-byte
//     SANs: "127.1" and "0x7f000001" count as 127.0.0.1) or inet_pton (16-byte SANs);
//   - a name with an embedded NUL byte is an error ("SSL certificate's name contains
//     embedded null"), even after a name that did not match.
//
// host is read up to its first NUL byte, as libpq, which takes C strings, would
// receive it.
func MatchHost(cert *x509.Certificate, host string) error {
	if i := strings.IndexByte(host, 0); i >= 0 {
		host = host[:i]
	}
	if host == "" {
		return &HostError{Host: host, Message: "host name must be specified for a verified SSL connection"}
	}
	_, isIPv4 := inetAton(host)
	_, isIPv6 := inetPton6(host)
	hostIsIP := isIPv4 || isIPv6

	var names []string
	checkCN := true
	for _, san := range subjectAltNames(cert) {
		if san.ip == hostIsIP {
			checkCN = false
		}
		var name string
		var ok bool
		var err error
		if san.ip {
			name, ok, err = matchIP(san.data, host)
		} else {
			name, ok, err = matchName(san.data, host)
		}
		if err != nil {
			return &HostError{Host: host, Names: names, Message: err.Error()}
		}
		names = append(names, name)
		if ok {
			return nil
		}
	}
	if checkCN {
		if cn, found := firstCommonName(cert.RawSubject); found {
			name, ok, err := matchName(cn, host)
			if err != nil {
				return &HostError{Host: host, Names: names, Message: err.Error()}
			}
			names = append(names, name)
			if ok {
				return nil
			}
		}
	}
	e := &HostError{Host: host, Names: names}
	switch n := len(names); {
	case n == 0:
		e.Message = "could not get server's host name from server certificate"
	case n == 1:
		e.Message = fmt.Sprintf("server certificate for \"%s\" does not match host name \"%s\"", names[0], host)
	case n == 2:
		e.Message = fmt.Sprintf("server certificate for \"%s\" (and %d other name) does not match host name \"%s\"", names[0], n-1, host)
	default:
		e.Message = fmt.Sprintf("server certificate for \"%s\" (and %d other names) does not match host name \"%s\"", names[0], n-1, host)
	}
	return e
}

// hostErrorText is an error whose text is libpq's message.
type hostErrorText string

func (e hostErrorText) Error() string { return string(e) }

// matchName mirrors pq_verify_peer_name_matches_certificate_name.
func matchName(data []byte, host string) (string, bool, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return "", false, hostErrorText("SSL certificate's name contains embedded null")
	}
	name := string(data)
	return name, asciiEqualFold(name, host) || wildcardMatch(name, host), nil
}

// wildcardMatch mirrors libpq's wildcard_certificate_match: pattern is "*." followed by
// at least one character, the host ends with pattern minus the "*" (case-insensitive),
// and the part the "*" covers holds no dot.
func wildcardMatch(pattern, host string) bool {
	if len(pattern) < 3 || pattern[0] != '*' || pattern[1] != '.' {
		return false
	}
	if len(pattern) > len(host) {
		return false
	}
	start := len(host) - len(pattern) + 1
	if !asciiEqualFold(pattern[1:], host[start:]) {
		return false
	}
	return strings.IndexByte(host, '.') >= len(host)-len(pattern)
}

// asciiEqualFold is pg_strcasecmp(a, b) == 0: only ASCII letters fold.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// matchIP mirrors pq_verify_peer_name_matches_certificate_ip.
func matchIP(data []byte, host string) (string, bool, error) {
	switch len(data) {
	case 4:
		addr, ok := inetAton(host)
		return ntop4(data), ok && bytes.Equal(addr[:], data), nil
	case 16:
		addr, ok := inetPton6(host)
		return ntop6(data), ok && bytes.Equal(addr[:], data), nil
	}
	return "", false, hostErrorText(fmt.Sprintf("certificate contains IP address with invalid length %d", len(data)))
}

// altName is one dNSName or iPAddress subjectAltName, raw.
type altName struct {
	ip   bool
	data []byte
}

// subjectAltNames returns the dNSName and iPAddress SANs in certificate order (Go's
// x509 sorts them by kind), raw as libpq sees them. A SAN extension that does not parse
// counts as none, as X509_get_ext_d2i returns nothing for it.
func subjectAltNames(cert *x509.Certificate) []altName {
	e, ok := findExtension(cert.Extensions, oidSubjectAltName)
	if !ok {
		return nil
	}
	in := cryptobyte.String(e.Value)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
		return nil
	}
	var out []altName
	for !seq.Empty() {
		var data cryptobyte.String
		var tag cbasn1.Tag
		if !seq.ReadAnyASN1(&data, &tag) {
			return nil
		}
		switch tag {
		case cbasn1.Tag(2).ContextSpecific():
			out = append(out, altName{data: data})
		case cbasn1.Tag(7).ContextSpecific():
			out = append(out, altName{ip: true, data: data})
		}
	}
	return out
}

// firstCommonName returns the content of the first commonName attribute of a DER
// Name, raw (X509_NAME_get_index_by_NID(name, NID_commonName, -1)): a BMPString CN
// comes out as UCS-2 bytes, as libpq compares it.
func firstCommonName(raw []byte) ([]byte, bool) {
	in := cryptobyte.String(raw)
	var rdns cryptobyte.String
	if !in.ReadASN1(&rdns, cbasn1.SEQUENCE) {
		return nil, false
	}
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, cbasn1.SET) {
			return nil, false
		}
		for !set.Empty() {
			var atv cryptobyte.String
			var oid asn1.ObjectIdentifier
			var value cryptobyte.String
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) || !atv.ReadAnyASN1(&value, &tag) {
				return nil, false
			}
			if oid.Equal(oidCommonName) {
				return value, true
			}
		}
	}
	return nil, false
}
