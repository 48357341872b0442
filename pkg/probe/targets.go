package probe

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// Target is one server of a fleet: where to connect and what a libpq client of it
// would hold in its connection string, as far as the verdict depends on it.
type Target struct {
	// Name identifies the target in reports and metrics: HOST:PORT as given, or the
	// service's name (with HOST:PORT when the service names several hosts).
	Name string `json:"name"`
	// Host is libpq's host: the name verify-full matches and the SNI.
	Host string `json:"host"`
	// HostAddr, when set, is dialled instead of Host, as libpq's hostaddr.
	HostAddr string `json:"hostaddr,omitempty"`
	Port     int    `json:"port"`
	// Service is the pg_service.conf section the target came from, if any.
	Service string `json:"service,omitempty"`
	// SSLMode and SSLRootCert are the service's sslmode and sslrootcert; empty when
	// it sets none, and then the fleet's defaults (FleetOptions) apply.
	SSLMode     string `json:"sslmode,omitempty"`
	SSLRootCert string `json:"sslrootcert,omitempty"`
	// Socket is set, instead of Host and HostAddr, for a service that libpq reaches
	// through a Unix-domain socket: the socket's directory, or "default" when the
	// service names no host. libpq uses no SSL there, so such a target is reported as
	// skipped, not probed.
	Socket string `json:"socket,omitempty"`
	// Source is where the target was read: "FILE:LINE", or "argument N".
	Source string `json:"source"`
}

// ParseError is a line of a targets file or service file that cannot be read.
// Its message names the file and line, as a compiler's does, so that an editor can
// jump there.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// TargetsFromArgs reads command-line targets, each HOST[:PORT] as ParseTarget reads
// it. Errors match ErrBadTarget and say which argument was wrong.
func TargetsFromArgs(args []string) ([]Target, error) {
	out := make([]Target, 0, len(args))
	for i, a := range args {
		host, port, err := ParseTarget(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		out = append(out, Target{Name: hostPort(host, port), Host: host, Port: port, Source: fmt.Sprintf("argument %d", i+1)})
	}
	return out, nil
}

// ReadTargets reads a targets file: one HOST[:PORT] a line, as on the command line.
// Blank lines are skipped, and so is everything from a '#' to the end of a line, so
// that a list can carry notes. name is the file's name, for errors: a *ParseError
// with the line number, wrapping ErrBadTarget.
func ReadTargets(r io.Reader, name string) ([]Target, error) {
	var out []Target
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.ContainsAny(line, " \t") {
			return nil, &ParseError{File: name, Line: n, Err: fmt.Errorf("%w: %q: one HOST[:PORT] a line", ErrBadTarget, line)}
		}
		host, port, err := ParseTarget(line)
		if err != nil {
			return nil, &ParseError{File: name, Line: n, Err: err}
		}
		out = append(out, Target{Name: hostPort(host, port), Host: host, Port: port, Source: fmt.Sprintf("%s:%d", name, n)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// hostPort writes host and port as a target is written on a command line.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
