package probe

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// SSLRequestCode is the protocol "version" that marks a PostgreSQL SSLRequest: 1234 in
// the high 16 bits, 5679 in the low ones, chosen by the protocol to collide with no
// real version.
const SSLRequestCode = 80877103

// sslRequest is the packet a PostgreSQL client sends before anything else to ask for
// TLS: its length (8, itself included) and SSLRequestCode, both big-endian.
func sslRequest() []byte {
	var b [8]byte
	binary.BigEndian.PutUint32(b[0:4], 8)
	binary.BigEndian.PutUint32(b[4:8], SSLRequestCode)
	return b[:]
}

// responseKind classifies what a peer answered to SSLRequest, as libpq does: 'S' alone
// means go on with TLS; 'N' means the server will not; anything else is not a
// PostgreSQL server speaking this protocol. Bytes after the 'S' are refused as libpq
// refuses them (CVE-2021-23222): a server sends nothing more until the client's TLS
// hello, so they can only come from something in between.
func responseKind(resp []byte) error {
	switch {
	case len(resp) == 0:
		return ErrNotPostgres
	case resp[0] == 'S' && len(resp) == 1:
		return nil
	case resp[0] == 'N':
		return ErrSSLRefused
	default:
		return ErrNotPostgres
	}
}

// maxShown bounds how much of a stranger's answer an error message quotes.
const maxShown = 64

// describeResponse says in words what a peer that is not a PostgreSQL server answered.
func describeResponse(resp []byte) string {
	switch {
	case len(resp) == 0:
		return "it sent nothing"
	case resp[0] == 'S':
		return fmt.Sprintf("it sent %d bytes of unencrypted data after agreeing to SSL (something between client and server?)", len(resp)-1)
	case resp[0] == 'E':
		if msg := errorResponseMessage(resp); msg != "" {
			return "it answered SSLRequest with an error: " + msg
		}
		return "it answered SSLRequest with an error message"
	}
	return "it answered " + quote(resp) + " to SSLRequest"
}

// errorResponseMessage returns "SEVERITY: message" from a protocol 3 ErrorResponse
// ('E', int32 length, then fields of a type byte and a NUL-terminated string), or the
// bare text of a protocol 2 one ('E' and a NUL-terminated string), or "" when resp is
// neither.
func errorResponseMessage(resp []byte) string {
	body := resp[1:]
	if len(body) >= 4 {
		n := int(binary.BigEndian.Uint32(body[:4]))
		if n >= 4 && n <= len(body) {
			var severity, message string
			fields := body[4:n]
			for len(fields) > 0 && fields[0] != 0 {
				typ := fields[0]
				end := strings.IndexByte(string(fields[1:]), 0)
				if end < 0 {
					break
				}
				val := string(fields[1 : 1+end])
				fields = fields[2+end:]
				switch typ {
				case 'S':
					severity = val
				case 'M':
					message = val
				}
			}
			if message != "" && severity != "" {
				return clean(severity + ": " + message)
			}
			if message != "" {
				return clean(message)
			}
		}
	}
	if end := strings.IndexByte(string(body), 0); end > 0 {
		return clean(string(body[:end]))
	}
	return ""
}

func quote(b []byte) string {
	if len(b) > maxShown {
		return fmt.Sprintf("%q...", b[:maxShown])
	}
	return fmt.Sprintf("%q", b)
}

// clean keeps a peer's text printable and short.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 2*maxShown {
		s = string(r[:2*maxShown]) + "..."
	}
	return s
}
