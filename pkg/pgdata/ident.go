package pgdata

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// IdentLine is one mapping of pg_ident.conf: MAPNAME SYSTEM-USERNAME
// PG-USERNAME.
type IdentLine struct {
	Line int
	Map  string
	// SystemUser is the name the authentication method found (for cert, the
	// certificate's CN or DN); starting with "/", the rest is a regular
	// expression.
	SystemUser string
	// Role is the database role it may log in as; with a regular expression,
	// "\1" stands for its first parenthesised subexpression.
	Role string
}

// ParseIdent parses pg_ident.conf as the server does (the tokenizer of
// pg_hba.conf): each record needs exactly three fields of one token each.
// Backslash continuation lines (14+) are not joined. Lines the server would refuse are reported as *ConfError with
// the server's words; the others are returned.
func ParseIdent(file string, data []byte) ([]IdentLine, error) {
	var (
		out  []IdentLine
		errs []error
	)
	for i, raw := range bytes.Split(data, []byte("\n")) {
		lineNo := i + 1
		if j := bytes.IndexByte(raw, 0); j >= 0 {
			raw = raw[:j]
		}
		fields, msg := tokenizeHBALine(string(bytes.TrimRight(raw, "\r")))
		if msg == "" && len(fields) == 0 {
			continue
		}
		if msg == "" && len(fields) != 3 {
			msg = "missing entry at end of line"
			if len(fields) > 3 {
				msg = "invalid token at end of line"
			}
		}
		if msg == "" {
			for _, f := range fields {
				if len(f) != 1 {
					msg = "multiple values in ident field"
				}
			}
		}
		if msg == "" && strings.HasPrefix(fields[1][0].Text, "/") {
			if _, err := regexp.Compile(fields[1][0].Text[1:]); err != nil {
				msg = fmt.Sprintf(`invalid regular expression "%s": %v`, fields[1][0].Text[1:], err)
			}
		}
		if msg != "" {
			errs = append(errs, &ConfError{File: file, Line: lineNo, Err: ErrHBA, Message: msg})
			continue
		}
		out = append(out, IdentLine{Line: lineNo, Map: fields[0][0].Text, SystemUser: fields[1][0].Text, Role: fields[2][0].Text})
	}
	return out, joinErrors(errs)
}

// IdentMatch reports whether map mapName of lines lets systemUser log in as
// role, as PostgreSQL 15's check_ident_usermap decides for cert (case
// sensitive): a plain line must name both exactly; a "/regex" line must match
// systemUser, and its role, with "\1" replaced by the first subexpression,
// must equal role. The regular expression is read as Go's RE2, which agrees
// with the server's for the expressions maps use (anchors, classes, groups).
func IdentMatch(lines []IdentLine, mapName, systemUser, role string) (bool, error) {
	for _, l := range lines {
		if l.Map != mapName {
			continue
		}
		if !strings.HasPrefix(l.SystemUser, "/") {
			if l.SystemUser == systemUser && l.Role == role {
				return true, nil
			}
			continue
		}
		re, err := regexp.Compile(l.SystemUser[1:])
		if err != nil {
			return false, fmt.Errorf("pgdata: %s line %d: %w", IdentFileName, l.Line, err)
		}
		m := re.FindStringSubmatchIndex(systemUser)
		if m == nil {
			continue
		}
		want := l.Role
		if i := strings.Index(want, `\1`); i >= 0 {
			if len(m) < 4 || m[2] < 0 {
				return false, fmt.Errorf(`pgdata: %s line %d: regular expression "%s" has no subexpressions as requested by backreference in "%s"`, IdentFileName, l.Line, l.SystemUser[1:], l.Role)
			}
			want = want[:i] + systemUser[m[2]:m[3]] + want[i+2:]
		}
		if want == role {
			return true, nil
		}
	}
	return false, nil
}
