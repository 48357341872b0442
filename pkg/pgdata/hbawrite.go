package pgdata

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// HBARule is a pg_hba.conf record to write.
type HBARule struct {
	Type, Database, User, Address, Method string
	Options                               []HBAOption
}

// String formats the rule in the columns of the sample pg_hba.conf that initdb writes.
func (r HBARule) String() string {
	s := fmt.Sprintf("%-7s %-15s %-15s %-23s %s", r.Type, hbaQuote(r.Database), hbaQuote(r.User), r.Address, r.Method)
	for _, o := range r.Options {
		s += " " + hbaQuote(o.Name+"="+o.Value)
	}
	return s
}

// hbaQuote double-quotes a token that blanks, commas, # or quotes would split or end.
func hbaQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r,#\"") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// CertRulesOptions says which connections must present a client certificate.
type CertRulesOptions struct {
	// Method is "cert" (the certificate alone logs in, its CN naming the role) or a
	// password method (scram-sha-256, md5, password) that then also requires a valid
	// client certificate. Empty means cert.
	Method string
	// Database and User default to all.
	Database, User string
	// Addresses default to 0.0.0.0/0 and ::/0: every TCP/IP client.
	Addresses []string
	// Map names a pg_ident.conf map for cert (certificate names that are not roles).
	Map string
	// ClientName is "DN" to match the certificate's whole subject instead of its CN
	// (cert, PostgreSQL 14+).
	ClientName string
	// VerifyCA asks a password method for a certificate from the CA without checking
	// that its CN is the role (clientcert=verify-ca); the default is verify-full.
	VerifyCA bool
}

// CertRules returns the hostssl records for a server of version v that require a
// client certificate, one per address. With cert the method implies verify-full and
// takes no clientcert; other methods get clientcert=verify-full (or verify-ca) from
// PostgreSQL 12, and clientcert=1 before, which only checks the chain.
func CertRules(o CertRulesOptions, v Version) ([]HBARule, error) {
	method := o.Method
	if method == "" {
		method = "cert"
	}
	var opts []HBAOption
	switch method {
	case "cert":
		if o.VerifyCA {
			return nil, fmt.Errorf("%w: cert always checks the name (verify-full)", ErrUnsupported)
		}
		if o.Map != "" {
			opts = append(opts, HBAOption{"map", o.Map})
		}
		if o.ClientName != "" {
			if v.Major < 14 {
				return nil, fmt.Errorf("%w: clientname needs PostgreSQL 14 (this is %s)", ErrUnsupported, v)
			}
			if o.ClientName != "CN" && o.ClientName != "DN" {
				return nil, fmt.Errorf("pgdata: clientname must be CN or DN, not %q", o.ClientName)
			}
			opts = append(opts, HBAOption{"clientname", o.ClientName})
		}
	case "scram-sha-256", "md5", "password":
		if method == "scram-sha-256" && v.Major < 10 {
			return nil, fmt.Errorf("%w: scram-sha-256 needs PostgreSQL 10 (this is %s)", ErrUnsupported, v)
		}
		if o.Map != "" || o.ClientName != "" {
			return nil, fmt.Errorf("pgdata: map and clientname go with the cert method, not %s", method)
		}
		cc := "verify-full"
		switch {
		case v.Major < 12:
			cc = "1"
		case o.VerifyCA:
			cc = "verify-ca"
		}
		opts = append(opts, HBAOption{"clientcert", cc})
	default:
		return nil, fmt.Errorf("pgdata: %q is not a method for client certificates (cert, scram-sha-256, md5, password)", method)
	}
	db, user := o.Database, o.User
	if db == "" {
		db = "all"
	}
	if user == "" {
		user = "all"
	}
	addrs := o.Addresses
	if len(addrs) == 0 {
		addrs = []string{"0.0.0.0/0", "::/0"}
	}
	var rules []HBARule
	for _, a := range addrs {
		if strings.ContainsAny(a, " \t\",#") {
			return nil, fmt.Errorf("pgdata: bad address %q", a)
		}
		rules = append(rules, HBARule{Type: "hostssl", Database: db, User: user, Address: a, Method: method, Options: opts})
	}
	return rules, nil
}

// hbaMarker starts the block of records pgcert inserts.
const hbaMarker = "# Added by pgcert: client certificates. Placed before the other host records"

// EnsureHBA returns pg_hba.conf with the rules inserted that it does not hold yet (a
// record with the same type, databases, users, address, method and options counts as
// there). They go in one block, under a comment naming pgcert, just before the first
// record for TCP/IP connections, because the server uses the first record that
// matches; when there is none, at the end. Everything else is kept byte for byte.
func EnsureHBA(hba []byte, rules []HBARule, v Version) (out []byte, changed bool, err error) {
	existing, _ := ParseHBA(HBAFileName, hba, v)
	var missing []HBARule
	for _, r := range rules {
		lines, err := ParseHBA(HBAFileName, []byte(r.String()), v)
		if err != nil || len(lines) != 1 {
			return nil, false, fmt.Errorf("pgdata: rule %q: %w", r.String(), err)
		}
		if !slices.ContainsFunc(existing, func(e HBALine) bool { return sameRecord(e, lines[0]) }) {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return hba, false, nil
	}
	nl := "\n"
	if bytes.Contains(hba, []byte("\r\n")) {
		nl = "\r\n"
	}
	var block bytes.Buffer
	block.WriteString(hbaMarker + nl + "# because the first matching record wins." + nl)
	for _, r := range missing {
		block.WriteString(r.String() + nl)
	}
	at := len(hba)
	for _, e := range existing {
		if e.IsHost() || strings.HasPrefix(e.Type, "include") {
			at = lineOffset(hba, e.Line)
			break
		}
	}
	out = append(out, hba[:at]...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, nl...)
	}
	out = append(out, block.Bytes()...)
	out = append(out, hba[at:]...)
	return out, true, nil
}

// lineOffset returns the byte offset where line n (1-based) starts.
func lineOffset(data []byte, n int) int {
	off := 0
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data[off:], '\n')
		if j < 0 {
			return len(data)
		}
		off += j + 1
	}
	return off
}

func sameRecord(a, b HBALine) bool {
	if a.Type != b.Type || a.Method != b.Method || !slices.Equal(a.Databases, b.Databases) || !slices.Equal(a.Users, b.Users) {
		return false
	}
	if a.Prefix.IsValid() || b.Prefix.IsValid() {
		if a.Prefix != b.Prefix {
			return false
		}
	} else if a.Address != b.Address || a.Mask != b.Mask {
		return false
	}
	sorted := func(o []HBAOption) []HBAOption {
		o = slices.Clone(o)
		slices.SortFunc(o, func(x, y HBAOption) int { return strings.Compare(x.Name+"="+x.Value, y.Name+"="+y.Value) })
		return o
	}
	return slices.Equal(sorted(a.Options), sorted(b.Options))
}
