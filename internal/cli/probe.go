package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/probe"
)

// probeOptions are the flags of `pgcert probe`.
type probeOptions struct {
	f *Factory

	Target   string
	Host     string
	Port     int
	HostAddr string
	Root     string
	SSLMode  string
	Cert     string
	Key      string
	PassIn   string
	Timeout  time.Duration
	WarnDays int

	probeFleetFlags

	// dial replaces the network for tests.
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// probeSSLModes are the sslmode values a verdict can be given for: those in which
// libpq insists on SSL.
var probeSSLModes = []string{"require", "verify-ca", "verify-full"}

// newProbeCmd is `pgcert probe`.
func newProbeCmd(f *Factory, runF func(*probeOptions) error) *cobra.Command {
	opts := &probeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "probe HOST[:PORT]...",
		Short: "ask a running server for its SSL set-up and say whether libpq would accept it",
		Long:  help.Long("probe"), Example: help.Example("probe"),
		Args: probeArgs(opts),
		RunE: func(cmd *cobra.Command, args []string) error {
			fleet, err := opts.isFleet(cmd, args)
			if err != nil {
				return err
			}
			if !fleet {
				opts.Target = args[0]
				host, port, err := probe.ParseTarget(args[0])
				if err != nil {
					return &UsageError{Err: errors.New(strings.TrimPrefix(err.Error(), "probe: "))}
				}
				opts.Host, opts.Port = host, port
			}
			if !containsString(probeSSLModes, opts.SSLMode) {
				return usageErrorf("--sslmode must be one of %s, not %q", strings.Join(probeSSLModes, ", "), opts.SSLMode)
			}
			if (opts.Cert == "") != (opts.Key == "") {
				return usageErrorf("--cert and --key go together")
			}
			if opts.Timeout <= 0 {
				return usageErrorf("--timeout must be positive, such as 5s")
			}
			if opts.WarnDays < 0 {
				return usageErrorf("--warn-days must be 0 or more, not %d", opts.WarnDays)
			}
			if runF != nil {
				return runF(opts)
			}
			if fleet {
				return probeFleetRun(opts)
			}
			return probeRun(opts)
		},
	}
	addProbeFleetFlags(cmd, opts)
	fl := cmd.Flags()
	fl.StringVar(&opts.Root, "root", "", "trusted root CAs, as libpq's sslrootcert (default: PGSSLROOTCERT, else ~/.postgresql/root.crt)")
	fl.StringVar(&opts.SSLMode, "sslmode", probe.DefaultSSLMode, "the sslmode to give the verdict for: require, verify-ca or verify-full")
	fl.StringVar(&opts.HostAddr, "hostaddr", "", "connect to this address instead of HOST, as libpq's hostaddr (the verdict stays for HOST)")
	fl.StringVar(&opts.Cert, "cert", "", "client certificate to present when the server asks for one (with --key)")
	fl.StringVar(&opts.Key, "key", "", "the client certificate's private key")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase source for an encrypted --key (pass:, env:, file:, fd:, stdin)")
	fl.DurationVar(&opts.Timeout, "timeout", probe.DefaultTimeout, "give up after this long (connecting, SSLRequest and handshake together)")
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "fail when a certificate of the chain expires within this many days")
	cmd.MarkFlagFilename("root", "crt", "pem", "der")
	cmd.MarkFlagFilename("cert", "crt", "pem", "der")
	cmd.MarkFlagFilename("key", "key", "pem", "der")
	cmd.RegisterFlagCompletionFunc("sslmode", fixedCompletion(probeSSLModes...))
	return cmd
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// probeRun probes the server and reports.
func probeRun(opts *probeOptions) error {
	f := opts.f
	cfg := probe.Config{
		Host: opts.Host, HostAddr: opts.HostAddr, Port: opts.Port, Timeout: opts.Timeout,
		SSLMode: opts.SSLMode, Now: f.Now, Dial: opts.dial,
	}
	rootFile, roots, err := probeRoots(opts)
	if err != nil {
		return err
	}
	cfg.Roots = roots
	cfg.Verify = probe.LibpqVerify(rootFile, libpqRootFile(opts.f))
	if opts.Cert != "" {
		cert, err := clientCertificate(opts)
		if err != nil {
			return err
		}
		cfg.Certificate = cert
	}
	res, err := probe.Probe(context.Background(), cfg)
	if err != nil {
		return probe.Explain(err, opts.Target, opts.Timeout)
	}
	rep := probe.NewReport(cfg, rootFile, res, f.Now(), opts.WarnDays)
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(f.IO.Out, f.IO.OutColors(), f.Now())
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}

// probeRoots reads the trusted roots: --root, else libpq's default when it exists.
func probeRoots(opts *probeOptions) (string, []*x509.Certificate, error) {
	file := opts.Root
	if file == "" {
		file = libpqRootFile(opts.f)
		if _, err := os.Stat(file); err != nil {
			return "", nil, nil
		}
	}
	data, err := opts.f.readInput(file)
	if err != nil {
		return "", nil, err
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return "", nil, withHints(fmt.Errorf("%s: %w", file, err), "give the CA certificates clients trust, in PEM, with --root")
	}
	return file, certs, nil
}

// clientCertificate reads --cert and --key into what the probe presents.
func clientCertificate(opts *probeOptions) (*tls.Certificate, error) {
	data, err := opts.f.readInput(opts.Cert)
	if err != nil {
		return nil, err
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Cert, err)
	}
	keyData, err := opts.f.readInput(opts.Key)
	if err != nil {
		return nil, err
	}
	k, err := keys.Parse(keyData, keys.PassphraseFunc(opts.f.existingPassphrase("--passin", opts.PassIn, opts.Key)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Key, err)
	}
	return probe.ClientCertificate(certs, k.Signer, opts.Cert, opts.Key)
}
