package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/metrics"
)

// SSLModes are the sslmode values a verdict can be given for: those in which libpq
// insists on SSL (with prefer or allow it would quietly connect without it).
var SSLModes = []string{"require", "verify-ca", "verify-full"}

// Command is a probe as `pgcert probe` is asked for it: one server, giving Report, or
// a fleet (several targets, files of them, or metrics), giving FleetReport. Its zero
// values are not defaults (the command's flags set those, DefaultTimeout for one):
// Validate refuses a zero Timeout or Parallel.
type Command struct {
	// Targets are the HOST[:PORT] arguments.
	Targets []string
	// TargetsFile lists more targets, one HOST[:PORT] a line; ServiceFile is a
	// pg_service.conf whose every host of every service is a target.
	TargetsFile, ServiceFile string
	// Host and Port are the one target of a one-server probe, set by Validate.
	Host string
	Port int
	// HostAddr is dialled instead of Host (one server only), as libpq's hostaddr.
	HostAddr string
	// Root is the file of trusted roots; empty means libpq's default (Env.DefaultRoot)
	// when it exists, else none.
	Root string
	// SSLMode is the sslmode the verdict is for, one of SSLModes.
	SSLMode string
	// RootGiven and SSLModeGiven say that Root or SSLMode was given on the command
	// line: then it wins over a service's sslrootcert or sslmode, as a connection
	// string's setting wins over the service's in libpq.
	RootGiven, SSLModeGiven bool
	// Cert and Key are the client certificate presented when the server asks for one;
	// both or neither.
	Cert, Key string
	// Timeout bounds each probe.
	Timeout time.Duration
	// WarnDays makes a certificate expiring within that many days a problem.
	WarnDays int
	// Parallel bounds how many servers a fleet probe asks at once.
	Parallel int
	// MetricsFile, when set, receives the fleet's results as Prometheus metrics.
	MetricsFile string
	// Prometheus and JSON are the output asked for; only one of them can be.
	Prometheus, JSON bool
}

// Fleet says whether c asks for the fleet's report rather than the one-server report:
// several targets, a file of them, or metrics.
func (c *Command) Fleet() bool {
	return len(c.Targets) != 1 || c.TargetsFile != "" || c.ServiceFile != "" || c.MetricsFile != "" || c.Prometheus
}

// Validate refuses what c cannot run, as a hint.UsageError naming the flag, and reads
// the target of a one-server probe into Host and Port.
func (c *Command) Validate() error {
	if c.Fleet() {
		switch {
		case c.HostAddr != "":
			return hint.Usagef("--hostaddr goes with one HOST; for many, give hostaddr in a --service-file")
		case c.Parallel < 1:
			return hint.Usagef("--parallel must be 1 or more, not %d", c.Parallel)
		case c.Prometheus && c.JSON:
			return hint.Usagef("--prometheus and --json are two outputs: give one")
		}
	} else {
		host, port, err := ParseTarget(c.Targets[0])
		if err != nil {
			return hint.Usagef("%s", trimProbe(err))
		}
		c.Host, c.Port = host, port
	}
	switch {
	case !slices.Contains(SSLModes, c.SSLMode):
		return hint.Usagef("--sslmode must be one of %s, not %q", strings.Join(SSLModes, ", "), c.SSLMode)
	case (c.Cert == "") != (c.Key == ""):
		return hint.Usagef("--cert and --key go together")
	case c.Timeout <= 0:
		return hint.Usagef("--timeout must be positive, such as 5s")
	case c.WarnDays < 0:
		return hint.Usagef("--warn-days must be 0 or more, not %d", c.WarnDays)
	}
	return nil
}

// Env is the world a Command runs in.
type Env struct {
	// ReadFile reads a file named by the command: roots, client certificate and key,
	// targets and service files.
	ReadFile func(path string) ([]byte, error)
	// DefaultRoot is the root file libpq reads when sslrootcert is not set
	// (PGSSLROOTCERT, else ~/.postgresql/root.crt).
	DefaultRoot string
	// KeyPassphrase gives the passphrase of an encrypted client key; nil refuses one.
	KeyPassphrase func(keyPath string) ([]byte, error)
	// Progress shows label while a fleet is probed and returns what stops it; nil
	// shows nothing.
	Progress func(label string) (stop func())
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Dial connects; a net.Dialer's when nil.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Run probes the one server of c (after Validate) and gives its report. A probe that
// fails is an error explained for a person (Explain).
func (c *Command) Run(ctx context.Context, env Env) (*Report, error) {
	rootFile, roots, err := c.roots(env)
	if err != nil {
		return nil, err
	}
	cfg := Config{
		Host: c.Host, HostAddr: c.HostAddr, Port: c.Port, Timeout: c.Timeout, SSLMode: c.SSLMode,
		Roots: roots, Verify: LibpqVerify(rootFile, env.DefaultRoot), Now: env.Now, Dial: env.Dial,
	}
	if cfg.Certificate, err = c.clientCertificate(env); err != nil {
		return nil, err
	}
	res, err := Probe(ctx, cfg)
	if err != nil {
		return nil, Explain(err, c.Targets[0], c.Timeout)
	}
	return NewReport(cfg, rootFile, res, env.now(), c.WarnDays), nil
}

// RunFleet probes every target of c (after Validate): the arguments, then the
// targets file, then the service file; it writes MetricsFile when set. A file line
// that cannot be read, or a file listing no server, is a usage error naming it.
func (c *Command) RunFleet(ctx context.Context, env Env) (*FleetReport, error) {
	targets, err := c.fleetTargets(env)
	if err != nil {
		return nil, err
	}
	rootFile, roots, err := c.roots(env)
	if err != nil {
		return nil, err
	}
	fo := FleetOptions{
		Parallel: c.Parallel, Timeout: c.Timeout, SSLMode: c.SSLMode, WarnDays: c.WarnDays,
		RootFile: rootFile, Roots: roots, DefaultRoot: env.DefaultRoot, Now: env.Now, Dial: env.Dial,
		LoadRoots: func(file string) ([]*x509.Certificate, error) {
			data, err := env.ReadFile(file)
			if err != nil {
				return nil, err
			}
			return chain.ParseCertificates(data)
		},
	}
	if fo.Certificate, err = c.clientCertificate(env); err != nil {
		return nil, err
	}
	stop := func() {}
	if env.Progress != nil {
		stop = env.Progress(fmt.Sprintf("probing %d servers", len(targets)))
	}
	rep := ProbeAll(ctx, targets, fo)
	stop()
	if c.MetricsFile != "" {
		if err := metrics.WriteFile(c.MetricsFile, rep.Metrics()); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// roots reads the trusted roots: Root, else libpq's default when it exists (as
// libpq, which goes on without root.crt until a verify mode needs it).
func (c *Command) roots(env Env) (string, []*x509.Certificate, error) {
	file := c.Root
	if file == "" {
		file = env.DefaultRoot
		if _, err := os.Stat(file); err != nil {
			return "", nil, nil
		}
	}
	data, err := env.ReadFile(file)
	if err != nil {
		return "", nil, err
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return "", nil, hint.With(fmt.Errorf("%s: %w", file, err), "give the CA certificates clients trust, in PEM, with --root")
	}
	return file, certs, nil
}

// clientCertificate reads Cert and Key into what the probe presents; nil without
// them.
func (c *Command) clientCertificate(env Env) (*tls.Certificate, error) {
	if c.Cert == "" {
		return nil, nil
	}
	data, err := env.ReadFile(c.Cert)
	if err != nil {
		return nil, err
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Cert, err)
	}
	keyData, err := env.ReadFile(c.Key)
	if err != nil {
		return nil, err
	}
	var pass keys.PassphraseFunc
	if env.KeyPassphrase != nil {
		pass = func() ([]byte, error) { return env.KeyPassphrase(c.Key) }
	}
	k, err := keys.Parse(keyData, pass)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Key, err)
	}
	return ClientCertificate(certs, k.Signer, c.Cert, c.Key)
}

// fleetTargets gathers the targets: the arguments, then the targets file, then the
// service file, with the command line's sslmode and root winning over a service's.
func (c *Command) fleetTargets(env Env) ([]Target, error) {
	targets, err := TargetsFromArgs(c.Targets)
	if err != nil {
		return nil, hint.Usagef("%s", trimProbe(err))
	}
	for _, file := range []struct {
		name string
		read func(io.Reader, string) ([]Target, error)
	}{
		{c.TargetsFile, ReadTargets},
		{c.ServiceFile, ReadServiceFile},
	} {
		if file.name == "" {
			continue
		}
		data, err := env.ReadFile(file.name)
		if err != nil {
			return nil, err
		}
		more, err := file.read(bytes.NewReader(data), file.name)
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, hint.Usagef("%s", trimProbe(err))
		}
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			return nil, hint.Usagef("%s lists no server", file.name)
		}
		targets = append(targets, more...)
	}
	for i := range targets {
		if c.SSLModeGiven {
			targets[i].SSLMode = c.SSLMode
		}
		if c.RootGiven {
			targets[i].SSLRootCert = ""
		}
	}
	return targets, nil
}

func (env Env) now() time.Time {
	if env.Now == nil {
		return time.Now()
	}
	return env.Now()
}

// trimProbe drops the package's "probe: " from an error: a usage error speaks of the
// command line, not of the package.
func trimProbe(err error) string { return strings.Replace(err.Error(), "probe: ", "", 1) }
