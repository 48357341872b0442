package probe

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// DefaultPort is PostgreSQL's port, used when a target names none.
const DefaultPort = 5432

// ParseTarget splits a command-line target, HOST[:PORT], into host and port:
// "db.example.com", "db.example.com:5433", "10.0.0.5:5433", "[::1]:5433", "[::1]" and a
// bare IPv6 address "::1" all read. The port defaults to DefaultPort. Errors match
// ErrBadTarget.
func ParseTarget(s string) (host string, port int, err error) {
	host, portStr, hasPort := s, "", false
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.Index(s, "]")
		if end < 0 {
			return "", 0, fmt.Errorf("%w: %q: missing ']'", ErrBadTarget, s)
		}
		host = s[1:end]
		switch rest := s[end+1:]; {
		case rest == "":
		case strings.HasPrefix(rest, ":"):
			portStr, hasPort = rest[1:], true
		default:
			return "", 0, fmt.Errorf("%w: %q: unexpected %q after ']'", ErrBadTarget, s, rest)
		}
	case strings.Count(s, ":") == 1:
		host, portStr, hasPort = strings.Cut(s, ":")
	}
	if host == "" {
		return "", 0, fmt.Errorf("%w: %q: no host", ErrBadTarget, s)
	}
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return "", 0, fmt.Errorf("%w: %q: not an IPv6 address", ErrBadTarget, host)
	}
	port = DefaultPort
	if hasPort {
		port, err = strconv.Atoi(portStr)
		if err != nil || port < 1 || port > 65535 {
			return "", 0, fmt.Errorf("%w: %q: port must be a number from 1 to 65535", ErrBadTarget, portStr)
		}
	}
	return host, port, nil
}
