package pgdata

import (
	"fmt"
	"strings"
)

// Directive is one `name = value` line of a configuration file: a setting, or one of
// the include directives (include, include_if_exists, include_dir).
type Directive struct {
	// Name is the name as written; the server compares names without regard to case.
	Name string
	// Value is the value with quotes removed and escapes processed, as the server
	// stores it.
	Value string
	// Line is the line the directive is on.
	Line int
}

// Include directive names.
const (
	dirInclude         = "include"
	dirIncludeIfExists = "include_if_exists"
	dirIncludeDir      = "include_dir"
)

// IsInclude reports whether the directive includes other files rather than setting a
// parameter.
func (d Directive) IsInclude() bool {
	n := strings.ToLower(d.Name)
	return n == dirInclude || n == dirIncludeIfExists || n == dirIncludeDir
}

// maxSyntaxErrors is where the server gives up on a file (ParseConfigFp: "an arbitrary
// number").
const maxSyntaxErrors = 100

// ParseConf parses one configuration file's bytes as the server's ParseConfigFp does,
// without following includes. file names the file in error messages. Lines the server
// cannot parse are reported, each as a *ConfError wrapping ErrSyntax, and skipped, as
// the server does, so the directives of the other lines are still returned.
//
// A line is `name [=] value` and an optional # comment. The name is an identifier,
// possibly qualified (ext.name). The value is an identifier, a number with optional
// unit letters (100MB, 0x1F, 1.5, .5e3), an unquoted string of letters, digits and
// -._:/ that starts with a letter, or a single-quoted string; a bare file name such as
// server.crt scans as a qualified name and is a syntax error, as in the server.
func ParseConf(file string, data []byte) ([]Directive, error) {
	var (
		out  []Directive
		errs []error
		lx   = newLexer(data)
	)
	for {
		tok := lx.next()
		if tok == tokEOF {
			break
		}
		if tok == tokEOL {
			continue
		}
		var name, value string
		if tok != tokID && tok != tokQualifiedID {
			goto parseError
		}
		name = lx.text
		tok = lx.next()
		if tok == tokEquals {
			tok = lx.next()
		}
		switch tok {
		case tokID, tokString, tokInteger, tokReal, tokUnquoted:
		default:
			goto parseError
		}
		value = lx.text
		if tok == tokString {
			value = deescape(value)
		}
		tok = lx.next()
		if tok != tokEOL {
			if tok != tokEOF {
				goto parseError
			}
			// The server counts EOF like a newline for line numbering (bug 4752).
			lx.line++
		}
		out = append(out, Directive{Name: name, Value: value, Line: lx.line - 1})
		if tok == tokEOF {
			break
		}
		continue

	parseError:
		if tok == tokEOL || tok == tokEOF {
			errs = append(errs, &ConfError{File: file, Line: lx.line - 1, Err: ErrSyntax,
				Message: fmt.Sprintf(`syntax error in file "%s" line %d, near end of line`, file, lx.line-1)})
		} else {
			errs = append(errs, &ConfError{File: file, Line: lx.line, Err: ErrSyntax,
				Message: fmt.Sprintf(`syntax error in file "%s" line %d, near token "%s"`, file, lx.line, lx.text)})
		}
		if len(errs) >= maxSyntaxErrors {
			errs = append(errs, &ConfError{File: file, Err: ErrTooManyErrors,
				Message: fmt.Sprintf(`too many syntax errors found, abandoning file "%s"`, file)})
			break
		}
		for tok != tokEOL && tok != tokEOF {
			tok = lx.next()
		}
		if tok == tokEOF {
			break
		}
	}
	return out, joinErrors(errs)
}

// deescape removes the quotes around a quoted value and processes its escapes as the
// server's DeescapeQuotedString does: \b \f \n \r \t, up to three octal digits, any
// other escaped character stands for itself, and two single quotes are one. The server keeps the
// value as a C string, so a \0 escape ends it there.
func deescape(s string) string {
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := 0
				k := 0
				for ; k < 3 && i+k < len(s) && s[i+k] >= '0' && s[i+k] <= '7'; k++ {
					v = v<<3 + int(s[i+k]-'0')
				}
				i += k - 1
				c = byte(v)
			default:
				c = e
			}
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		}
		if c == 0 {
			break
		}
		b.WriteByte(c)
	}
	return b.String()
}

// joinErrors is errors.Join that keeps a single error unwrapped, so that callers can
// errors.As it and print it as the server would.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return &ErrorList{Errs: errs}
}

// ErrorList is several problems found in one pass, in the order the server logs them.
type ErrorList struct {
	Errs []error
}

// Error returns the messages, one a line.
func (l *ErrorList) Error() string {
	msgs := make([]string, len(l.Errs))
	for i, e := range l.Errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (l *ErrorList) Unwrap() []error { return l.Errs }
