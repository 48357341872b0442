package pgdata

import (
	"fmt"
	"net/netip"
	"strings"
)

// HBAFinding is something about pg_hba.conf that decides how SSL clients fare.
type HBAFinding struct {
	// Line is the record's line in pg_hba.conf.
	Line int
	// Fatal reports that connections the record matches fail (or the record is
	// useless), rather than a warning.
	Fatal bool
	// Message is the server's words when Server is set, pgcert's otherwise.
	Message string
	Server  bool
	// Hint says what to change.
	Hint string
}

// NeedsClientCert reports whether the record asks the client for a certificate: the
// cert method, or a clientcert option other than the pre-14 values that turn it off.
func (l HBALine) NeedsClientCert() bool {
	if l.Method == "cert" {
		return true
	}
	v, ok := l.Option("clientcert")
	return ok && v != "0" && v != "no-verify"
}

// CheckHBA looks at parsed pg_hba.conf records together with the server's SSL settings
// and reports what will go wrong for SSL clients, record by record:
//   - a record that needs a client certificate while ssl_ca_file is empty: every
//     connection it matches fails with the server's FATAL `client certificates can only
//     be checked if a root certificate store is available`;
//   - hostssl records while ssl is off: the server warns `hostssl record cannot match
//     because SSL is disabled`;
//   - a record that needs a client certificate but that an earlier record always
//     matches first (same or wider databases, users and addresses, a type that
//     includes SSL connections): it is never used, since the first matching record
//     wins.
func CheckHBA(lines []HBALine, ssl SSL) []HBAFinding {
	var out []HBAFinding
	var earlier hbaIndex
	for i, l := range lines {
		if l.Type == "hostssl" && !ssl.Enabled {
			out = append(out, HBAFinding{Line: l.Line, Server: true,
				Message: "hostssl record cannot match because SSL is disabled",
				Hint:    "Set ssl = on in postgresql.conf."})
		}
		if l.NeedsClientCert() {
			if ssl.CAFile == "" {
				out = append(out, HBAFinding{Line: l.Line, Fatal: true, Server: true,
					Message: "client certificates can only be checked if a root certificate store is available",
					Hint:    "set ssl_ca_file to the CA that issues client certificates (pgcert writes root.crt)"})
			}
			if j := earlier.firstCovering(l); j >= 0 {
				e := lines[j]
				out = append(out, HBAFinding{Line: l.Line, Fatal: true,
					Message: fmt.Sprintf("line %d (%s %s) matches the same connections first, so line %d is never used", e.Line, e.Type, e.Method, l.Line),
					Hint:    fmt.Sprintf("move line %d above line %d", l.Line, e.Line)})
			}
		}
		earlier.add(i, l)
	}
	return out
}

// hbaIndex holds the records read so far, indexed so that finding the first one that
// covers a record (what covers decides) takes a few map look-ups instead of a scan of
// every earlier record: a pg_hba.conf with 100,000 client-certificate records is
// checked in linear time.
type hbaIndex struct {
	groups map[[2]string]*hbaGroup // by databases and users, as tokensKey spells them
}

// hbaGroup is the records of one databases-and-users pair, by address.
type hbaGroup struct {
	all      int                  // the first with address all and no host name, or -1
	exact    map[[2]string]int    // the first with each address and mask field
	prefixes map[netip.Prefix]int // the first with each (masked) network
}

func (x *hbaIndex) add(i int, l HBALine) {
	switch l.Type {
	case "host", "hostssl", "hostnogssenc":
	default:
		return
	}
	if x.groups == nil {
		x.groups = map[[2]string]*hbaGroup{}
	}
	k := [2]string{tokensKey(l.Databases), tokensKey(l.Users)}
	g := x.groups[k]
	if g == nil {
		g = &hbaGroup{all: -1, exact: map[[2]string]int{}, prefixes: map[netip.Prefix]int{}}
		x.groups[k] = g
	}
	if l.Address == "all" && l.Hostname == "" && g.all < 0 {
		g.all = i
	}
	if _, ok := g.exact[[2]string{l.Address, l.Mask}]; !ok {
		g.exact[[2]string{l.Address, l.Mask}] = i
	}
	if l.Prefix.IsValid() {
		if _, ok := g.prefixes[l.Prefix]; !ok {
			g.prefixes[l.Prefix] = i
		}
	}
}

// firstCovering returns the index of the first record added that covers l, or -1.
func (x *hbaIndex) firstCovering(l HBALine) int {
	first := -1
	better := func(i int, ok bool) {
		if ok && i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	for _, db := range []string{"all", tokensKey(l.Databases)} {
		for _, user := range []string{"all", tokensKey(l.Users)} {
			g := x.groups[[2]string{db, user}]
			if g == nil {
				continue
			}
			better(g.all, true)
			if !l.Prefix.IsValid() {
				i, ok := g.exact[[2]string{l.Address, l.Mask}]
				better(i, ok)
				continue
			}
			// An earlier record with a network covers l when the network holds l's:
			// look up each of l's enclosing networks.
			for bits := 0; bits <= l.Prefix.Bits(); bits++ {
				p, err := l.Prefix.Addr().Prefix(bits)
				if err == nil {
					i, ok := g.prefixes[p]
					better(i, ok)
				}
			}
		}
	}
	return first
}

// tokensKey spells a databases or users field so that two fields have the same key
// exactly when coversTokens lets the first cover the second without the keyword all;
// a field holding all is keyed "all".
func tokensKey(tokens []HBAToken) string {
	var b strings.Builder
	for _, t := range tokens {
		if t.Keyword("all") {
			return "all"
		}
		fmt.Fprintf(&b, "%t%d:%s,", t.Quoted, len(t.Text), t.Text)
	}
	return "=" + b.String()
}
