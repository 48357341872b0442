package probe

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// libpqKeywords are the connection keywords libpq accepts in a service file, as of
// PostgreSQL 18 (older libpqs know a subset). libpq refuses a service that uses any
// other key ("syntax error in service file"), so ReadServiceFile does too: a key
// written "host = db" (spaces are part of the key) or misspelt would make every
// client of that service fail, and a probe that quietly ignored it would judge a
// connection string no client can use.
var libpqKeywords = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true,
	"password": true, "passfile": true, "require_auth": true, "channel_binding": true,
	"connect_timeout": true, "client_encoding": true, "options": true,
	"application_name": true, "fallback_application_name": true, "keepalives": true,
	"keepalives_idle": true, "keepalives_interval": true, "keepalives_count": true,
	"tcp_user_timeout": true, "replication": true, "gssencmode": true, "sslmode": true,
	"sslnegotiation": true, "sslcompression": true, "sslcert": true, "sslkey": true,
	"sslpassword": true, "sslcertmode": true, "sslrootcert": true, "sslcrl": true,
	"sslcrldir": true, "sslsni": true, "sslkeylogfile": true, "requirepeer": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true,
	"min_protocol_version": true, "max_protocol_version": true, "krbsrvname": true,
	"gsslib": true, "gssdelegation": true, "target_session_attrs": true,
	"load_balance_hosts": true, "oauth_issuer": true, "oauth_client_id": true,
	"oauth_client_secret": true, "oauth_scope": true,
}

// libpqSSLModes are the sslmode values libpq accepts.
var libpqSSLModes = map[string]bool{
	"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true,
}

// serviceSection is one [name] of a service file as read so far.
type serviceSection struct {
	name string
	line int
	// vals holds each key's first value (libpq keeps the first of a repeated key)
	// and lines the line it was on.
	vals  map[string]string
	lines map[string]int
}

// ReadServiceFile reads a pg_service.conf and returns a target for every host of
// every service, in file order. It reads the file as libpq does: leading and
// trailing white space is dropped, blank lines and lines starting with '#' are
// skipped, "[name]" starts a service and "key=value" sets a keyword (no spaces
// around '='; the first of a repeated key wins; a second section of the same name
// is never reached by libpq and is skipped). Of the keywords, host, hostaddr and
// port say where to connect, and sslmode and sslrootcert what the verdict is for;
// the other keywords libpq knows do not change the verdict and are ignored, and a
// key libpq does not know is an error, as it is to libpq. A host list
// ("host=db1,db2" with one port or as many ports, and as many hostaddrs if any)
// gives one target per host. A service reached through a Unix-domain socket (no
// host, or a directory) becomes a target with Socket set.
//
// name is the file's name for errors, which are *ParseError with the line.
func ReadServiceFile(r io.Reader, name string) ([]Target, error) {
	var sections []*serviceSection
	seen := map[string]bool{}
	var cur *serviceSection
	skipping := false
	sc := bufio.NewScanner(r)
	n := 0
	fail := func(line int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '[':
			end := strings.IndexByte(line, ']')
			if end < 2 {
				return nil, fail(n, "%q: a service starts with [name]", line)
			}
			svc := line[1:end]
			cur, skipping = nil, seen[svc]
			if !skipping {
				seen[svc] = true
				cur = &serviceSection{name: svc, line: n, vals: map[string]string{}, lines: map[string]int{}}
				sections = append(sections, cur)
			}
		case cur == nil:
			// libpq reads only inside the service it looks for: lines before the
			// first section, and in a repeated section, are never looked at.
		default:
			key, val, ok := strings.Cut(line, "=")
			switch {
			case !ok:
				return nil, fail(n, "syntax error: %q is not key=value", line)
			case key == "service":
				return nil, fail(n, "nested service specifications are not supported (libpq refuses them too)")
			case !libpqKeywords[key]:
				return nil, fail(n, "syntax error: %q is not a libpq connection keyword (libpq refuses the service too; no spaces around '=')", key)
			}
			if key == "sslmode" && !libpqSSLModes[val] {
				return nil, fail(n, "invalid sslmode value %q (libpq refuses it too)", val)
			}
			if _, dup := cur.vals[key]; !dup {
				cur.vals[key], cur.lines[key] = val, n
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []Target
	for _, s := range sections {
		ts, err := s.targets(name)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

// targets expands a service into one target per host.
func (s *serviceSection) targets(file string) ([]Target, error) {
	fail := func(key string, err error) error {
		line := s.line
		if l, ok := s.lines[key]; ok {
			line = l
		}
		return &ParseError{File: file, Line: line, Err: fmt.Errorf("service %s: %w", s.name, err)}
	}
	hosts := splitList(s.vals["host"])
	addrs := splitList(s.vals["hostaddr"])
	ports := splitList(s.vals["port"])
	count := max(len(hosts), len(addrs), 1)
	// libpq's own checks, in its words: "could not match N host names to M
	// hostaddr values", "could not match N port numbers to M hosts".
	if len(hosts) > 0 && len(addrs) > 0 && len(hosts) != len(addrs) {
		return nil, fail("hostaddr", fmt.Errorf("could not match %d host names to %d hostaddr values", len(hosts), len(addrs)))
	}
	if len(ports) > 1 && len(ports) != count {
		return nil, fail("port", fmt.Errorf("could not match %d port numbers to %d hosts (give one port, or one for each host)", len(ports), count))
	}
	source := fmt.Sprintf("%s:%d", file, s.line)
	out := make([]Target, 0, count)
	for i := range count {
		t := Target{Service: s.name, SSLMode: s.vals["sslmode"], SSLRootCert: s.vals["sslrootcert"], Source: source, Port: DefaultPort}
		if i < len(hosts) {
			t.Host = hosts[i]
		}
		if i < len(addrs) {
			t.HostAddr = addrs[i]
		}
		if len(ports) > 0 {
			p := ports[min(i, len(ports)-1)]
			if p != "" {
				port, err := strconv.Atoi(p)
				if err != nil || port < 1 || port > 65535 {
					return nil, fail("port", fmt.Errorf("%w: port %q must be a number from 1 to 65535", ErrBadTarget, p))
				}
				t.Port = port
			}
		}
		switch {
		case t.HostAddr == "" && t.Host == "":
			t.Socket = "default"
		case t.HostAddr == "" && strings.HasPrefix(t.Host, "/"):
			t.Socket, t.Host = t.Host, ""
		}
		where := t.Host
		switch {
		case t.Socket != "":
			where = t.Socket
		case where == "":
			where = t.HostAddr
		}
		t.Name = s.name
		if count > 1 {
			t.Name = s.name + " (" + hostPort(where, t.Port) + ")"
		}
		out = append(out, t)
	}
	return out, nil
}

// splitList splits libpq's comma-separated host, hostaddr or port; nil for "".
func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}
