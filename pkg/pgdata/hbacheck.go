package pgdata

import "fmt"

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
	for i, l := range lines {
		if l.Type == "hostssl" && !ssl.Enabled {
			out = append(out, HBAFinding{Line: l.Line, Server: true,
				Message: "hostssl record cannot match because SSL is disabled",
				Hint:    "Set ssl = on in postgresql.conf."})
		}
		if !l.NeedsClientCert() {
			continue
		}
		if ssl.CAFile == "" {
			out = append(out, HBAFinding{Line: l.Line, Fatal: true, Server: true,
				Message: "client certificates can only be checked if a root certificate store is available",
				Hint:    "set ssl_ca_file to the CA that issues client certificates (pgcert writes root.crt)"})
		}
		for _, e := range lines[:i] {
			if covers(e, l) {
				out = append(out, HBAFinding{Line: l.Line, Fatal: true,
					Message: fmt.Sprintf("line %d (%s %s) matches the same connections first, so line %d is never used", e.Line, e.Type, e.Method, l.Line),
					Hint:    fmt.Sprintf("move line %d above line %d", l.Line, e.Line)})
				break
			}
		}
	}
	return out
}

// covers reports whether every SSL connection that later matches is matched by
// earlier first.
func covers(earlier, later HBALine) bool {
	switch earlier.Type {
	case "host", "hostssl", "hostnogssenc":
	default:
		return false
	}
	if !coversTokens(earlier.Databases, later.Databases) || !coversTokens(earlier.Users, later.Users) {
		return false
	}
	switch {
	case earlier.Address == "all" && earlier.Hostname == "":
		return true
	case earlier.Prefix.IsValid() && later.Prefix.IsValid():
		return earlier.Prefix.Addr().Is4() == later.Prefix.Addr().Is4() &&
			earlier.Prefix.Bits() <= later.Prefix.Bits() && earlier.Prefix.Contains(later.Prefix.Addr())
	}
	return earlier.Address == later.Address && earlier.Mask == later.Mask
}

// coversTokens reports whether the earlier list matches every name the later one does:
// it holds the keyword all, or the very same tokens.
func coversTokens(earlier, later []HBAToken) bool {
	for _, t := range earlier {
		if t.Keyword("all") {
			return true
		}
	}
	if len(earlier) != len(later) {
		return false
	}
	for i := range earlier {
		if earlier[i] != later[i] {
			return false
		}
	}
	return true
}
