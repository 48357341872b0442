package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultParallel is how many targets ProbeAll probes at once when
// FleetOptions.Parallel is zero. Each probe is a PostgreSQL connection: the server
// forks a backend for it, which counts against its child-process limit until the
// probe ends. 32 stays well below the default max_connections (100) even when every
// target is the same server, and well below the 1,024 open files a default soft
// limit allows; at a few milliseconds a probe it still gets through a thousand
// healthy servers in well under a second of waiting.
const DefaultParallel = 32

// Status is the outcome of one target of a fleet: StatusOK, StatusProblem, or the
// kind of failure that left no TLS session to judge.
type Status string

// The outcomes of a target.
const (
	// StatusOK: libpq would accept the server and nothing is wrong with its chain.
	StatusOK Status = "ok"
	// StatusProblem: the server spoke TLS, and Problems says what is wrong.
	StatusProblem Status = "problem"
	// StatusRefused: the connection was refused: nothing listens there.
	StatusRefused Status = "refused"
	// StatusUnreachable: connecting failed otherwise (no such host, no route).
	StatusUnreachable Status = "unreachable"
	// StatusTimeout: no connection, answer to SSLRequest or handshake in time.
	StatusTimeout Status = "timeout"
	// StatusNoSSL: the server answered 'N' to SSLRequest (ssl = off).
	StatusNoSSL Status = "no-ssl"
	// StatusNotPostgres: what answered is not a PostgreSQL server.
	StatusNotPostgres Status = "not-postgres"
	// StatusTLSFailure: the TLS handshake failed.
	StatusTLSFailure Status = "tls-failure"
	// StatusRootFile: the target's sslrootcert could not be read, so there is no
	// verdict to give; the server was not probed.
	StatusRootFile Status = "root-file"
	// StatusCancelled: the caller's context ended before the probe did.
	StatusCancelled Status = "cancelled"
	// StatusSkipped: the target is reached through a Unix-domain socket, where libpq
	// uses no SSL; it was not probed and does not fail the fleet.
	StatusSkipped Status = "skipped"
)

// Failed reports whether s fails a fleet: every status but ok and skipped.
func (s Status) Failed() bool { return s != StatusOK && s != StatusSkipped }

// FleetOptions says how ProbeAll probes. The verdict settings (SSLMode, RootFile and
// Roots) are defaults: a target's own sslmode and sslrootcert (from a service file)
// win, as in libpq.
type FleetOptions struct {
	// Parallel bounds how many probes run at once; DefaultParallel when zero.
	Parallel int
	// Timeout bounds each target's probe (connecting, the answer to SSLRequest, the
	// handshake and the close); DefaultTimeout when zero. A target that stalls costs
	// at most this, and only one of the Parallel slots.
	Timeout time.Duration
	// SSLMode is the verdict's sslmode for a target that names none; DefaultSSLMode
	// when empty.
	SSLMode string
	// RootFile and Roots are the trusted roots for a target that names no
	// sslrootcert: RootFile is empty when there is no root file (as libpq without
	// root.crt), and DefaultRoot is then the file libpq looked for, for the verdict's
	// message.
	RootFile    string
	Roots       []*x509.Certificate
	DefaultRoot string
	// LoadRoots reads a target's sslrootcert. Each file is read once, before any
	// probe. A target naming one fails with StatusRootFile when LoadRoots is nil or
	// fails.
	LoadRoots func(file string) ([]*x509.Certificate, error)
	// Certificate is presented to every server that asks for a client certificate.
	Certificate *tls.Certificate
	// WarnDays makes a certificate expiring within that many days a problem.
	WarnDays int
	// Now gives the time for the verdicts, days left and durations; time.Now when nil.
	Now func() time.Time
	// Dial connects; a net.Dialer's when nil.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// FleetResult is what the probe of one target found.
type FleetResult struct {
	Target
	Status Status `json:"status"`
	// Error says why a target failed (Status other than ok, problem and skipped).
	Error string `json:"error,omitempty"`
	// Err is the failure itself, for errors.Is (ErrTimeout, syscall.ECONNREFUSED...).
	Err error `json:"-"`
	// RootFile is the root file the verdict was given with; empty for none.
	RootFile string `json:"root_file,omitempty"`
	// Result is what the server sent; also set after a failed handshake, with what
	// the server sent before it failed.
	*Result
	// Problems says, one sentence each, what is wrong with a server that spoke TLS
	// (Result.Problems, and a service's sslmode that does not insist on verifying).
	Problems []string `json:"problems"`
	// Duration is how long the probe took, by FleetOptions.Now; Seconds is the
	// same in seconds, for JSON.
	Duration time.Duration `json:"-"`
	Seconds  float64       `json:"duration_seconds"`
}

// FleetSummary counts the outcomes.
type FleetSummary struct {
	Targets int `json:"targets"`
	OK      int `json:"ok"`
	// Problems counts servers that spoke TLS with something wrong; Failed those that
	// gave no TLS session to judge; Skipped the Unix-domain socket services.
	Problems int `json:"problems"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	// ByStatus counts every status that occurred.
	ByStatus map[Status]int `json:"by_status"`
}

// FleetReport is ProbeAll's answer: one result per target, in the order given, and
// their summary.
type FleetReport struct {
	Targets  []FleetResult `json:"targets"`
	Summary  FleetSummary  `json:"summary"`
	WarnDays int           `json:"warn_days"`
	// OK is true when no target failed or had a problem.
	OK bool `json:"ok"`
	// Time is when the probes started.
	Time time.Time `json:"time"`
}

// ProbeAll probes every target with Probe, at most opts.Parallel at once, each
// within opts.Timeout, and returns the results in the order of targets. It always
// returns a report: a target's failure is its result's Status, not an error. When
// ctx is cancelled the probes in progress end at once and those not started fail
// as they start.
func ProbeAll(ctx context.Context, targets []Target, opts FleetOptions) *FleetReport {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	if opts.SSLMode == "" {
		opts.SSLMode = DefaultSSLMode
	}
	rep := &FleetReport{Targets: make([]FleetResult, len(targets)), WarnDays: opts.WarnDays, Time: now()}
	roots := loadTargetRoots(targets, opts.LoadRoots)

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, len(targets)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rep.Targets[i] = probeTarget(ctx, targets[i], opts, roots, now)
			}
		}()
	}
	for i := range targets {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	rep.Summary = summarize(rep.Targets)
	rep.OK = rep.Summary.Problems == 0 && rep.Summary.Failed == 0
	return rep
}

// rootSet is a target sslrootcert's certificates, or why they could not be read.
type rootSet struct {
	certs []*x509.Certificate
	err   error
}

// systemRoots is libpq's sslrootcert=system (PostgreSQL 16): the system's trust
// store, which Go cannot list in the form the verdict needs.
const systemRoots = "system"

// loadTargetRoots reads each distinct sslrootcert of targets once.
func loadTargetRoots(targets []Target, load func(string) ([]*x509.Certificate, error)) map[string]rootSet {
	out := map[string]rootSet{}
	for _, t := range targets {
		file := t.SSLRootCert
		if _, done := out[file]; file == "" || done {
			continue
		}
		var rs rootSet
		switch {
		case file == systemRoots:
			rs.err = errors.New(`sslrootcert=system (the system's trusted CAs) cannot be judged by probe: give the CA file instead`)
		case load == nil:
			rs.err = fmt.Errorf("sslrootcert %s: no way to read it", file)
		default:
			rs.certs, rs.err = load(file)
		}
		out[file] = rs
	}
	return out
}

// probeTarget probes one target and classifies the outcome.
func probeTarget(ctx context.Context, t Target, opts FleetOptions, roots map[string]rootSet, now func() time.Time) FleetResult {
	r := FleetResult{Target: t, RootFile: opts.RootFile, Problems: []string{}}
	if t.Socket != "" {
		r.Status = StatusSkipped
		r.Error = "reached through a Unix-domain socket (" + t.Socket + "), where libpq uses no SSL"
		return r
	}
	certs := opts.Roots
	if t.SSLRootCert != "" {
		rs := roots[t.SSLRootCert]
		if rs.err != nil {
			r.Status, r.Err, r.Error = StatusRootFile, rs.err, rs.err.Error()
			return r
		}
		r.RootFile, certs = t.SSLRootCert, rs.certs
	}
	mode, weak := opts.SSLMode, ""
	switch t.SSLMode {
	case "require", "verify-ca", "verify-full":
		mode = t.SSLMode
	case "":
	default:
		weak = fmt.Sprintf("the service's sslmode=%s does not make libpq insist on SSL: a client can be made to connect without it (the verdict is for sslmode=%s)", t.SSLMode, mode)
	}
	start := now()
	res, err := Probe(ctx, Config{
		Host: t.Host, HostAddr: t.HostAddr, Port: t.Port, Timeout: opts.Timeout,
		Certificate: opts.Certificate, Verify: LibpqVerify(r.RootFile, opts.DefaultRoot),
		Roots: certs, SSLMode: mode, Now: now, Dial: opts.Dial,
	})
	r.Duration = now().Sub(start)
	r.Seconds = r.Duration.Seconds()
	r.Result = res
	if err != nil {
		r.Status, r.Err = failureStatus(err), err
		r.Error = failureText(r.Status, err)
		return r
	}
	r.Problems = res.Problems(now(), opts.WarnDays)
	if weak != "" {
		r.Problems = append(r.Problems, weak)
	}
	r.Status = StatusOK
	if len(r.Problems) > 0 {
		r.Status = StatusProblem
	}
	return r
}

// failureStatus names the kind of a Probe error.
func failureStatus(err error) Status {
	var pe *Error
	switch {
	case errors.Is(err, context.Canceled):
		return StatusCancelled
	case errors.Is(err, ErrTimeout):
		return StatusTimeout
	case errors.Is(err, ErrSSLRefused):
		return StatusNoSSL
	case errors.Is(err, ErrNotPostgres):
		return StatusNotPostgres
	case errors.Is(err, syscall.ECONNREFUSED):
		return StatusRefused
	case errors.As(err, &pe) && pe.Stage == StageHandshake:
		return StatusTLSFailure
	}
	return StatusUnreachable
}

// failureText says in one phrase why a target failed, without the address the
// report shows beside it.
func failureText(s Status, err error) string {
	if s == StatusRefused {
		return "connection refused: nothing listens there"
	}
	text := strings.TrimPrefix(err.Error(), "probe: ")
	var pe *Error
	if errors.As(err, &pe) && pe.Addr != "" {
		text = strings.TrimPrefix(text, pe.Addr+": ")
	}
	return text
}

func summarize(results []FleetResult) FleetSummary {
	s := FleetSummary{Targets: len(results), ByStatus: map[Status]int{}}
	for _, r := range results {
		s.ByStatus[r.Status]++
		switch r.Status {
		case StatusOK:
			s.OK++
		case StatusProblem:
			s.Problems++
		case StatusSkipped:
			s.Skipped++
		default:
			s.Failed++
		}
	}
	return s
}
