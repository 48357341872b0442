package selfsign

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"
)

// SANs are the subject alternative names of a request or certificate.
type SANs struct {
	DNS   []string
	IP    []net.IP
	Email []string
	URI   []*url.URL
}

// Empty reports whether s names nothing.
func (s SANs) Empty() bool {
	return len(s.DNS) == 0 && len(s.IP) == 0 && len(s.Email) == 0 && len(s.URI) == 0
}

// String writes s in openssl's subjectAltName syntax, which ParseSANs reads
// back: "DNS:db.example.com,IP:10.0.0.5,email:dba@example.com,URI:...".
func (s SANs) String() string {
	var parts []string
	for _, d := range s.DNS {
		parts = append(parts, "DNS:"+d)
	}
	for _, ip := range s.IP {
		parts = append(parts, "IP:"+ip.String())
	}
	for _, e := range s.Email {
		parts = append(parts, "email:"+e)
	}
	for _, u := range s.URI {
		parts = append(parts, "URI:"+u.String())
	}
	return strings.Join(parts, ",")
}

// SANError reports a name that cannot be a subject alternative name. Value is
// the offending entry as given.
type SANError struct {
	Value  string
	Reason string
}

// Error names the entry, shortened by Shorten, and why it is refused.
func (e *SANError) Error() string {
	return fmt.Sprintf("selfsign: invalid subject alternative name %q: %s", Shorten(e.Value), e.Reason)
}

// WildcardError reports a wildcard that covers every name under a single
// label, such as *.com: libpq would accept the certificate for any host of
// that top-level domain, which no server should claim.
type WildcardError struct {
	Name string
}

// Error names the wildcard and why it is refused.
func (e *WildcardError) Error() string {
	return fmt.Sprintf("selfsign: %s covers every host name under %q, a top-level domain: libpq would accept it for any of them",
		Shorten(e.Name), strings.TrimPrefix(e.Name, "*."))
}

// CheckWildcards returns a *WildcardError for the first DNS name of s that is
// a wildcard over a single label (*.com, *.org, *.internal). Without a list
// of public suffixes a single label is the one case pgcert can tell for sure;
// ParseSANs and HostSANs accept such a name (a caller may mean it, for a
// private top-level domain), so callers run this check and let a person
// override it.
func CheckWildcards(s SANs) error {
	for _, d := range s.DNS {
		if rest, ok := strings.CutPrefix(d, "*."); ok && !strings.Contains(rest, ".") {
			return &WildcardError{Name: d}
		}
	}
	return nil
}

// maxEcho is how many bytes of a value Shorten keeps: enough to recognise a
// host name or a SAN entry, short enough that a value pasted by mistake (a
// whole file given as --host) does not fill the terminal.
const maxEcho = 64

// Shorten returns s as messages echo it: whole when it has at most 64 bytes,
// else its first 64 bytes (not cutting a UTF-8 sequence) followed by
// "…(N bytes)" with its full length.
func Shorten(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}

// ParseSANs reads openssl's subjectAltName syntax: comma-separated entries
// "DNS:name", "IP:address" (IPv4 or IPv6), "email:address" and "URI:uri",
// with spaces around entries and values ignored, as openssl ignores them.
// The type prefixes are matched without regard to case. Other openssl types
// (RID, dirName, otherName, "email:copy") are refused: PostgreSQL and libpq
// never look at them. DNS names are checked and normalized as HostSANs
// does; duplicates are dropped. The empty string is an error.
func ParseSANs(s string) (SANs, error) {
	var out SANs
	if strings.TrimSpace(s) == "" {
		return out, &SANError{Value: s, Reason: "no names given"}
	}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		typ, val, ok := strings.Cut(entry, ":")
		val = strings.TrimSpace(val)
		if !ok {
			return SANs{}, &SANError{Value: entry, Reason: "missing the type prefix (DNS:, IP:, email: or URI:)"}
		}
		var err error
		switch strings.ToLower(strings.TrimSpace(typ)) {
		case "dns":
			if parseIP(val) != nil {
				return SANs{}, &SANError{Value: entry, Reason: fmt.Sprintf("%s is an IP address, which belongs in IP:%s", val, val)}
			}
			err = out.addDNS(val)
		case "ip":
			err = out.addIP(val)
		case "email":
			err = out.addEmail(val)
		case "uri":
			err = out.addURI(val)
		default:
			return SANs{}, &SANError{Value: entry, Reason: fmt.Sprintf("unsupported type %q (use DNS, IP, email or URI)", Shorten(typ))}
		}
		if err != nil {
			return SANs{}, &SANError{Value: entry, Reason: err.Error()}
		}
	}
	return out, nil
}

// HostSANs turns host names and addresses, as an admin lists them for a
// server, into SANs: an IPv4 or IPv6 literal (brackets allowed, as in
// "[::1]") becomes an IP SAN, anything else must be a DNS name and becomes a
// DNS SAN, lower-cased, with an optional leading "*." wildcard. Duplicates
// are dropped, the first occurrence kept. An empty list, an empty host, or a
// string that is neither an address nor a host name is a *SANError.
func HostSANs(hosts []string) (SANs, error) {
	var out SANs
	if len(hosts) == 0 {
		return out, &SANError{Reason: "no host names given"}
	}
	for _, h := range hosts {
		if err := out.addHost(h); err != nil {
			return SANs{}, &SANError{Value: h, Reason: err.Error()}
		}
	}
	return out, nil
}

// RequestSANs returns the subject alternative names a request asks for.
// pkg users issuing from a request pass them to Build, which checks them.
func RequestSANs(csr *x509.CertificateRequest) SANs {
	return SANs{DNS: csr.DNSNames, IP: csr.IPAddresses, Email: csr.EmailAddresses, URI: csr.URIs}
}

// addHost adds h as an IP SAN when it is an address (or, holding a colon,
// can only be meant as one), else as a DNS SAN.
func (s *SANs) addHost(h string) error {
	if parseIP(h) != nil || strings.Contains(h, ":") {
		return s.addIP(h)
	}
	return s.addDNS(h)
}

func (s *SANs) addDNS(name string) error {
	n, err := normalizeDNSName(name)
	if err != nil {
		return err
	}
	for _, d := range s.DNS {
		if d == n {
			return nil
		}
	}
	s.DNS = append(s.DNS, n)
	return nil
}

func (s *SANs) addIP(text string) error {
	ip := parseIP(text)
	if ip == nil {
		if strings.Contains(text, "%") {
			return fmt.Errorf("%q has a zone, which a certificate cannot hold", Shorten(text))
		}
		return fmt.Errorf("%q is not an IPv4 or IPv6 address", Shorten(text))
	}
	for _, have := range s.IP {
		if have.Equal(ip) {
			return nil
		}
	}
	s.IP = append(s.IP, ip)
	return nil
}

func (s *SANs) addEmail(addr string) error {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return fmt.Errorf("%q is not an email address (local@domain)", Shorten(addr))
	}
	for _, r := range local {
		if r <= ' ' || r >= 0x7f {
			return fmt.Errorf("%q: the local part must be printable ASCII without spaces", Shorten(addr))
		}
	}
	d, err := normalizeDNSName(domain)
	if err != nil || strings.HasPrefix(d, "*.") {
		return fmt.Errorf("%q: the domain is not a host name", Shorten(addr))
	}
	e := local + "@" + d
	for _, have := range s.Email {
		if have == e {
			return nil
		}
	}
	s.Email = append(s.Email, e)
	return nil
}

func (s *SANs) addURI(text string) error {
	for _, r := range text {
		if r <= ' ' || r >= 0x7f {
			return fmt.Errorf("%q: a URI is printable ASCII without spaces", Shorten(text))
		}
	}
	u, err := url.Parse(text)
	if ue, ok := err.(*url.Error); ok {
		// url.Error repeats the whole input, which is already named once.
		err = ue.Err
	}
	if err != nil {
		return fmt.Errorf("%q is not a URI: %v", Shorten(text), err)
	}
	if u.Scheme == "" {
		return fmt.Errorf("%q is not an absolute URI (it needs a scheme, like https:)", Shorten(text))
	}
	if u.Host == "" && u.Opaque == "" && u.Path == "" {
		return fmt.Errorf("%q names nothing after the scheme", Shorten(text))
	}
	for _, have := range s.URI {
		if have.String() == u.String() {
			return nil
		}
	}
	s.URI = append(s.URI, u)
	return nil
}

// parseIP reads an IPv4 or IPv6 literal, with or without brackets, and
// returns it in its shortest form (4 bytes for IPv4). Zones are refused.
func parseIP(text string) net.IP {
	if strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") {
		text = text[1 : len(text)-1]
	}
	ip := net.ParseIP(text)
	if ip == nil {
		return nil
	}
	if v4 := ip.To4(); v4 != nil && !strings.Contains(text, ":") {
		return v4
	}
	return ip
}

// normalizeDNSName checks that name is a host name a certificate may hold
// and returns it lower-cased: labels of letters, digits, hyphens and
// underscores (container and service names use them, and libpq compares
// strings without judging them), no label starting or ending with a hyphen,
// at most 63 bytes a label and 253 in all, an optional "*." first label for
// a wildcard, and a last label that is not all digits (which would be a
// mistyped IPv4 address). A trailing dot is refused because libpq compares
// the name literally with the host it was given. Internationalized names must
// be given in their A-label (xn--) form.
func normalizeDNSName(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty host name")
	}
	n := strings.ToLower(name)
	if len(n) > 253 {
		return "", fmt.Errorf("host name is %d bytes long, more than 253", len(n))
	}
	if strings.HasSuffix(n, ".") {
		return "", fmt.Errorf("host name %q ends with a dot", name)
	}
	labels := strings.Split(n, ".")
	for i, l := range labels {
		if l == "*" && i == 0 && len(labels) > 1 {
			continue
		}
		if l == "" {
			return "", fmt.Errorf("host name %q has an empty label", name)
		}
		if strings.Contains(l, "*") {
			return "", fmt.Errorf("host name %q: a wildcard must be the whole first label (*.example.com)", name)
		}
		if len(l) > 63 {
			return "", fmt.Errorf("host name %q has a label longer than 63 bytes", name)
		}
		for _, r := range l {
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_':
			case r > 0x7f:
				return "", fmt.Errorf("host name %q is not ASCII: give its xn-- form", name)
			default:
				return "", fmt.Errorf("host name %q contains %q", name, r)
			}
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("host name %q has a label that starts or ends with a hyphen", name)
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", fmt.Errorf("%q is neither an IP address nor a host name", name)
	}
	return n, nil
}

// checked returns s with every name checked and normalized as ParseSANs
// does, for names that come from elsewhere (a request, a caller's struct).
func (s SANs) checked() (SANs, error) {
	var out SANs
	for _, d := range s.DNS {
		if err := out.addDNS(d); err != nil {
			return SANs{}, &SANError{Value: "DNS:" + d, Reason: err.Error()}
		}
	}
	for _, ip := range s.IP {
		if len(ip) != net.IPv4len && len(ip) != net.IPv6len {
			return SANs{}, &SANError{Value: "IP:" + ip.String(), Reason: fmt.Sprintf("an IP address is 4 or 16 bytes, not %d", len(ip))}
		}
		if err := out.addIP(ip.String()); err != nil {
			return SANs{}, &SANError{Value: "IP:" + ip.String(), Reason: err.Error()}
		}
	}
	for _, e := range s.Email {
		if err := out.addEmail(e); err != nil {
			return SANs{}, &SANError{Value: "email:" + e, Reason: err.Error()}
		}
	}
	for _, u := range s.URI {
		if u == nil {
			return SANs{}, &SANError{Value: "URI:", Reason: "nil URI"}
		}
		if err := out.addURI(u.String()); err != nil {
			return SANs{}, &SANError{Value: "URI:" + u.String(), Reason: err.Error()}
		}
	}
	return out, nil
}
