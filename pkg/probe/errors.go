package probe

import (
	"errors"
	"fmt"
	"strings"
)

// The kinds of failure a caller can branch on with errors.Is.
var (
	// ErrSSLRefused: the server answered 'N' to SSLRequest. A PostgreSQL server does
	// that when ssl = off, or when it was built without SSL support.
	ErrSSLRefused = errors.New("probe: server does not support SSL")
	// ErrNotPostgres: the peer's answer to SSLRequest was neither 'S' nor 'N', or it
	// closed the connection: whatever listens there is not a PostgreSQL server.
	ErrNotPostgres = errors.New("probe: not a PostgreSQL server")
	// ErrTimeout: the timeout passed while connecting, waiting for the answer to
	// SSLRequest, or in the TLS handshake.
	ErrTimeout = errors.New("probe: timed out")
	// ErrBadTarget: ParseTarget or Probe was given no usable host or port.
	ErrBadTarget = errors.New("probe: bad target")
)

// Stage is the step of a probe at which it failed.
type Stage string

// The stages of a probe, in order.
const (
	StageConnect    Stage = "connect"
	StageSSLRequest Stage = "sslrequest"
	StageHandshake  Stage = "handshake"
)

// Error is a probe that did not get as far as a TLS session. Kind is ErrSSLRefused,
// ErrNotPostgres or ErrTimeout when the failure is one of those (errors.Is matches it),
// else nil; Err is the underlying network or TLS error, if any (errors.Is and errors.As
// see it too, e.g. syscall.ECONNREFUSED).
type Error struct {
	Addr  string
	Stage Stage
	Kind  error
	// Response is what the peer answered to SSLRequest when that was neither 'S' nor
	// 'N' (at most the first 512 bytes).
	Response []byte
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("probe: ")
	if e.Addr != "" {
		b.WriteString(e.Addr + ": ")
	}
	switch {
	case e.Kind == ErrSSLRefused:
		b.WriteString("server does not support SSL (it answered N to SSLRequest: ssl = off in postgresql.conf?)")
	case e.Kind == ErrNotPostgres && len(e.Response) == 0:
		b.WriteString("not a PostgreSQL server: it closed the connection on SSLRequest")
		if e.Err != nil {
			fmt.Fprintf(&b, " (%v)", e.Err)
		}
	case e.Kind == ErrNotPostgres:
		b.WriteString("not a PostgreSQL server: " + describeResponse(e.Response))
	case e.Kind == ErrTimeout:
		b.WriteString("timed out " + map[Stage]string{
			StageConnect:    "connecting",
			StageSSLRequest: "waiting for the answer to SSLRequest (is it a PostgreSQL server?)",
			StageHandshake:  "in the TLS handshake",
		}[e.Stage])
	case e.Stage == StageConnect:
		fmt.Fprintf(&b, "could not connect: %v", e.Err)
	case e.Stage == StageHandshake:
		fmt.Fprintf(&b, "TLS handshake failed: %v", e.Err)
	default:
		fmt.Fprintf(&b, "%s: %v", e.Stage, e.Err)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrTimeout) and the like true for an Error of that kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }
