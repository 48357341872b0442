package pgdata

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pgcert/pgcert/pkg/keyperm"
)

// HBAToken is one token of a pg_hba.conf field. Quoted tokens are never keywords:
// "all" in double quotes is a database or role called all.
type HBAToken struct {
	Text   string
	Quoted bool
}

// Keyword reports whether the token is the unquoted keyword kw.
func (t HBAToken) Keyword(kw string) bool { return !t.Quoted && t.Text == kw }

// HBAOption is one name=value authentication option.
type HBAOption struct {
	Name, Value string
}

// HBALine is one record of pg_hba.conf as parse_hba_line reads it.
type HBALine struct {
	// Line is the line the record starts on (a record may continue over several
	// lines with a trailing backslash); Raw is the record with continuations joined.
	Line int
	Raw  string
	// Type is the connection type: local, host, hostssl, hostnossl, hostgssenc or
	// hostnogssenc; or, from PostgreSQL 16, include, include_if_exists or include_dir
	// with the file in Include.
	Type string
	// Databases and Users are the comma-separated lists of the second and third
	// fields. A token @file is kept as it is: the file is not read.
	Databases, Users []HBAToken
	// Address is the address field as written (CIDR, address, hostname, all,
	// samehost, samenet); Mask is the separate netmask field, if any. Prefix is the
	// address range when Address is an IP address with a CIDR length or a contiguous
	// netmask; Hostname is set when Address is a host name (or a .suffix).
	Address, Mask string
	Prefix        netip.Prefix
	Hostname      string
	// Method is the authentication method.
	Method string
	// Options are the name=value options, in order.
	Options []HBAOption
	// Include is the file an include line names.
	Include string
}

// Option returns the value of the last option called name.
func (l HBALine) Option(name string) (string, bool) {
	for i := len(l.Options) - 1; i >= 0; i-- {
		if l.Options[i].Name == name {
			return l.Options[i].Value, true
		}
	}
	return "", false
}

// IsHost reports whether the record matches TCP/IP connections (any host* type).
func (l HBALine) IsHost() bool { return strings.HasPrefix(l.Type, "host") }

// hbaMaxToken is MAX_TOKEN in hba.c: the buffer a token must fit in, with its NUL.
const hbaMaxToken = 256

// hbaOptionNames are the option names parse_hba_auth_opt knows (PostgreSQL 15), with
// the major version that added those that are not in every supported version.
var hbaOptionNames = map[string]int{
	"map": 0, "clientcert": 0, "clientname": 14, "pamservice": 0, "pam_use_hostname": 10,
	"ldapurl": 0, "ldaptls": 0, "ldapscheme": 11, "ldapserver": 0, "ldapport": 0,
	"ldapbinddn": 0, "ldapbindpasswd": 0, "ldapsearchattribute": 0, "ldapsearchfilter": 11,
	"ldapbasedn": 0, "ldapprefix": 0, "ldapsuffix": 0, "krb_realm": 0, "include_realm": 0,
	"compat_realm": 0, "upn_username": 0, "radiusservers": 0, "radiussecrets": 0,
	"radiusidentifiers": 0, "radiusports": 0,
}

var hbaMethods = map[string]int{
	"trust": 0, "ident": 0, "peer": 0, "password": 0, "gss": 0, "sspi": 0, "reject": 0,
	"md5": 0, "scram-sha-256": 10, "pam": 0, "bsd": 0, "ldap": 0, "cert": 0, "radius": 0,
}

// LoadHBA reads and parses the pg_hba.conf at path for a server of version v.
func LoadHBA(path string, v Version) ([]HBALine, error) {
	data, err := readConfigFile(path)
	if err != nil {
		return nil, &ConfError{File: path, Err: err,
			Message: fmt.Sprintf(`could not open configuration file "%s": %s`, path, keyperm.Strerror(err))}
	}
	return ParseHBA(path, data, v)
}

// ParseHBA parses pg_hba.conf as a server of version v does: tokens separated by
// blanks, comma lists, double quotes ("" is a literal quote), # comments, backslash
// line continuation (14+), and the checks of parse_hba_line that concern SSL and the
// shape of a record. Every line the server would refuse is reported as a *ConfError
// wrapping ErrHBA with the server's message and the line's number; the server then
// refuses the whole file (FATAL at start, the old rules kept on reload). The lines
// that parse are returned.
//
// Not done: @file and include files are not read (kept as tokens and Include), and
// options of methods other than cert are checked for their names, not their values.
func ParseHBA(file string, data []byte, v Version) ([]HBALine, error) {
	var (
		out  []HBALine
		errs []error
	)
	lineNo := 1
	for len(data) > 0 {
		var buf []byte
		lastBackslash, continuations := 0, 0
		for len(data) > 0 {
			phys := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				phys, data = data[:i+1], data[i+1:]
			} else {
				data = nil
			}
			buf = append(buf, phys...)
			if i := bytes.IndexByte(buf, 0); i >= 0 {
				buf = buf[:i]
			}
			buf = bytes.TrimRight(buf, "\r\n")
			if v.Major >= 14 && len(buf) > lastBackslash && buf[len(buf)-1] == '\\' {
				buf = buf[:len(buf)-1]
				lastBackslash = len(buf)
				continuations++
				continue
			}
			break
		}
		fields, msg := tokenizeHBALine(string(buf))
		if msg != "" {
			errs = append(errs, hbaError(file, lineNo, msg))
		} else if len(fields) > 0 {
			l, msg := parseHBALine(fields, v)
			if msg != "" {
				errs = append(errs, hbaError(file, lineNo, msg))
			} else {
				l.Line, l.Raw = lineNo, string(buf)
				out = append(out, l)
			}
		}
		lineNo += continuations + 1
	}
	return out, joinErrors(errs)
}

func hbaError(file string, line int, msg string) error {
	return &ConfError{File: file, Line: line, Err: ErrHBA, Message: msg}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// tokenizeHBALine splits a line into fields of comma-separated tokens as next_token
// and next_field_expand do.
func tokenizeHBALine(s string) ([][]HBAToken, string) {
	var fields [][]HBAToken
	p := 0
	for p < len(s) {
		var field []HBAToken
		for {
			tok, ok, comma, msg := nextHBAToken(s, &p)
			if msg != "" {
				return nil, msg
			}
			if !ok {
				break
			}
			field = append(field, tok)
			if !comma {
				break
			}
		}
		if field != nil {
			fields = append(fields, field)
		}
	}
	return fields, ""
}

func nextHBAToken(s string, p *int) (tok HBAToken, ok, comma bool, msg string) {
	i := *p
	for i < len(s) && (isBlank(s[i]) || s[i] == ',') {
		i++
	}
	var b []byte
	inQuote, wasQuote, sawQuote := false, false, false
	for i < len(s) && (!isBlank(s[i]) || inQuote) {
		c := s[i]
		if c == '#' && !inQuote {
			i = len(s)
			break
		}
		if len(b) >= hbaMaxToken-1 {
			*p = len(s)
			return HBAToken{}, false, false, fmt.Sprintf(`authentication file token too long, skipping: "%s"`, b)
		}
		if c == ',' && !inQuote {
			comma = true
			i++
			break
		}
		if c != '"' || wasQuote {
			b = append(b, c)
		}
		if inQuote && c == '"' {
			wasQuote = !wasQuote
		} else {
			wasQuote = false
		}
		if c == '"' {
			inQuote = !inQuote
			sawQuote = true
			if len(b) == 0 {
				tok.Quoted = true
			}
		}
		i++
	}
	*p = i
	tok.Text = string(b)
	return tok, sawQuote || len(b) > 0, comma, ""
}

// parseHBALine checks a tokenized record as parse_hba_line does and returns the
// server's message for the first problem.
func parseHBALine(fields [][]HBAToken, v Version) (HBALine, string) {
	var l HBALine
	first := fields[0]
	if v.Major >= 16 && len(fields) == 2 && len(first) == 1 && len(fields[1]) == 1 {
		switch first[0].Text {
		case "include", "include_if_exists", "include_dir":
			l.Type, l.Include = first[0].Text, fields[1][0].Text
			return l, ""
		}
	}
	if len(first) > 1 {
		return l, "multiple values specified for connection type"
	}
	l.Type = first[0].Text
	switch l.Type {
	case "local", "host", "hostssl", "hostnossl":
	case "hostgssenc", "hostnogssenc":
		if v.Major < 12 {
			return l, fmt.Sprintf(`invalid connection type "%s"`, l.Type)
		}
	default:
		return l, fmt.Sprintf(`invalid connection type "%s"`, l.Type)
	}
	rest := fields[1:]
	if len(rest) == 0 {
		return l, "end-of-line before database specification"
	}
	l.Databases, rest = rest[0], rest[1:]
	if len(rest) == 0 {
		return l, "end-of-line before role specification"
	}
	l.Users, rest = rest[0], rest[1:]
	if l.Type != "local" {
		if len(rest) == 0 {
			return l, "end-of-line before IP address specification"
		}
		if len(rest[0]) > 1 {
			return l, "multiple values specified for host address"
		}
		addr := rest[0][0]
		rest = rest[1:]
		l.Address = addr.Text
		if !addr.Keyword("all") && !addr.Keyword("samehost") && !addr.Keyword("samenet") {
			var msg string
			if rest, msg = l.parseAddress(addr.Text, rest); msg != "" {
				return l, msg
			}
		}
	}
	if len(rest) == 0 {
		return l, "end-of-line before authentication method"
	}
	if len(rest[0]) > 1 {
		return l, "multiple values specified for authentication type"
	}
	l.Method, rest = rest[0][0].Text, rest[1:]
	if since, ok := hbaMethods[l.Method]; !ok || v.Major < since {
		return l, fmt.Sprintf(`invalid authentication method "%s"`, l.Method)
	}
	if l.Type == "local" && l.Method == "ident" {
		l.Method = "peer"
	}
	switch {
	case l.Type == "local" && l.Method == "gss":
		return l, "gssapi authentication is not supported on local sockets"
	case l.Type != "local" && l.Method == "peer":
		return l, "peer authentication is only supported on local sockets"
	case l.Type != "hostssl" && l.Method == "cert":
		return l, "cert authentication is only supported on hostssl connections"
	}
	for _, field := range rest {
		for _, t := range field {
			name, val, ok := strings.Cut(t.Text, "=")
			if !ok {
				return l, fmt.Sprintf("authentication option not in name=value format: %s", t.Text)
			}
			if msg := l.checkOption(name, val, v); msg != "" {
				return l, msg
			}
			l.Options = append(l.Options, HBAOption{Name: name, Value: val})
		}
	}
	return l, ""
}

// parseAddress reads an address with an optional CIDR length, or a host name, and a
// separate netmask field when the address is an IP address without a length.
func (l *HBALine) parseAddress(text string, rest [][]HBAToken) ([][]HBAToken, string) {
	host, bits, hasSlash := strings.Cut(text, "/")
	addr, err := netip.ParseAddr(host)
	if err != nil {
		if hasSlash {
			return rest, fmt.Sprintf(`specifying both host name and CIDR mask is invalid: "%s"`, text)
		}
		l.Hostname = host
		return rest, ""
	}
	if hasSlash {
		n, err := strconv.Atoi(strings.TrimSpace(bits))
		if err != nil || n < 0 || n > addr.BitLen() {
			return rest, fmt.Sprintf(`invalid CIDR mask in address "%s"`, text)
		}
		l.Prefix = netip.PrefixFrom(addr, n).Masked()
		return rest, ""
	}
	if len(rest) == 0 {
		return rest, "end-of-line before netmask specification"
	}
	if len(rest[0]) > 1 {
		return rest, "multiple values specified for netmask"
	}
	l.Mask = rest[0][0].Text
	mask, err := netip.ParseAddr(l.Mask)
	if err != nil {
		return rest, fmt.Sprintf(`invalid IP mask "%s": Name or service not known`, l.Mask)
	}
	if mask.Is4() != addr.Is4() {
		return rest, "IP address and mask do not match"
	}
	if n, ok := maskBits(mask); ok {
		l.Prefix = netip.PrefixFrom(addr, n).Masked()
	}
	return rest[1:], ""
}

// maskBits returns the prefix length of a contiguous netmask.
func maskBits(m netip.Addr) (int, bool) {
	n, zero := 0, false
	for _, x := range m.AsSlice() {
		for bit := 7; bit >= 0; bit-- {
			switch set := x&(1<<bit) != 0; {
			case set && zero:
				return 0, false
			case set:
				n++
			default:
				zero = true
			}
		}
	}
	return n, true
}

// checkOption applies the checks of parse_hba_auth_opt that concern SSL: where
// clientcert and clientname may appear and which values each version takes, and that
// map is only for methods that map names.
func (l *HBALine) checkOption(name, val string, v Version) string {
	since, known := hbaOptionNames[name]
	if !known || v.Major < since {
		return fmt.Sprintf(`unrecognized authentication option name: "%s"`, name)
	}
	switch name {
	case "map":
		switch l.Method {
		case "ident", "peer", "gss", "sspi", "cert":
		default:
			return `authentication option "map" is only valid for authentication methods ident, peer, gssapi, sspi, and cert`
		}
	case "clientcert":
		if l.Type != "hostssl" {
			return `clientcert can only be configured for "hostssl" rows`
		}
		switch {
		case v.Major >= 14:
			switch val {
			case "verify-full":
			case "verify-ca":
				if l.Method == "cert" {
					return `clientcert only accepts "verify-full" when using "cert" authentication`
				}
			default:
				return fmt.Sprintf(`invalid value for clientcert: "%s"`, val)
			}
		case v.Major >= 12:
			switch val {
			case "1", "verify-ca", "verify-full":
			case "0", "no-verify":
				if l.Method == "cert" {
					return `clientcert can not be set to "no-verify" when using "cert" authentication`
				}
			default:
				return fmt.Sprintf(`invalid value for clientcert: "%s"`, val)
			}
		default:
			if val != "1" && l.Method == "cert" {
				return `clientcert can not be set to 0 when using "cert" authentication`
			}
		}
	case "clientname":
		if l.Type != "hostssl" {
			return `clientname can only be configured for "hostssl" rows`
		}
		if val != "CN" && val != "DN" {
			return fmt.Sprintf(`invalid value for clientname: "%s"`, val)
		}
	}
	return ""
}
