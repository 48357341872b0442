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
	"syscall"
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

// probeReport is the --json document of `pgcert probe`: the probe's result, with the
// target, the root file used, and whether the command succeeds.
type probeReport struct {
	Host     string `json:"host"`
	HostAddr string `json:"hostaddr,omitempty"`
	Port     int    `json:"port"`
	RootFile string `json:"root_file,omitempty"`
	*probe.Result
	WarnDays int      `json:"warn_days"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
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
		return probeError(opts, err)
	}
	rep := &probeReport{
		Host: opts.Host, HostAddr: opts.HostAddr, Port: opts.Port, RootFile: rootFile, Result: res, WarnDays: opts.WarnDays,
		Problems: res.Problems(f.Now(), opts.WarnDays),
	}
	rep.OK = len(rep.Problems) == 0
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		printProbeReport(f, rep)
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
	if !keys.PublicKeysEqual(k.Signer.Public(), certs[0].PublicKey) {
		return nil, failf([]string{"give the key the certificate was issued for"}, "%s does not belong to the first certificate of %s (%s)", opts.Key, opts.Cert, chain.Subject(certs[0]))
	}
	tc := &tls.Certificate{PrivateKey: k.Signer, Leaf: certs[0]}
	for _, c := range certs {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc, nil
}

// probeError turns a probe failure into one line, by kind.
func probeError(opts *probeOptions, err error) error {
	var pe *probe.Error
	addr := opts.Target
	if errors.As(err, &pe) && pe.Addr != "" {
		addr = pe.Addr
	}
	text := strings.TrimPrefix(err.Error(), "probe: ")
	switch {
	case errors.Is(err, probe.ErrSSLRefused):
		return failf(nil, "%s: the server refuses SSL: it answered 'N' to SSLRequest (ssl = off in its postgresql.conf?)", addr)
	case errors.Is(err, probe.ErrNotPostgres):
		return failf(nil, "%s", text)
	case errors.Is(err, probe.ErrTimeout):
		return failf(nil, "%s (after %s)", text, opts.Timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return failf(nil, "%s: connection refused: nothing listens there (is the server running, with that port and listen_addresses?)", addr)
	}
	return failf(nil, "%s", text)
}

// printProbeReport prints the probe's findings for a person.
func printProbeReport(f *Factory, r *probeReport) {
	w, cs, now := f.IO.Out, f.IO.OutColors(), f.Now()
	target := r.Addr
	if r.ServerName != "" || r.HostAddr != "" {
		target += " (host " + r.Host + ")"
	}
	fmt.Fprintf(w, "%-10s %s\n", "server", target)
	fmt.Fprintf(w, "%-10s %s, %s\n", "protocol", r.TLSVersion, r.CipherSuite)
	if r.Unfinished != "" {
		fmt.Fprintf(w, "%-10s %s\n", "note", r.Unfinished)
	}
	order := "in order"
	if !r.InOrder() {
		order = "NOT in order: each certificate should be followed by its issuer"
	}
	fmt.Fprintf(w, "%-10s %s sent, %s\n", "chain", plural(len(r.Chain), "certificate", "certificates"), order)
	for i, c := range r.Chain {
		fmt.Fprintf(w, "  %d %s\n", i, cs.Bold(c.Subject))
		fmt.Fprintf(w, "    %-8s %s\n", "issuer", c.Issuer)
		days := fmt.Sprintf("%d days left", c.DaysLeft)
		switch c.Expiry(now, r.WarnDays) {
		case probe.Expired:
			days = cs.Red("expired")
		case probe.ExpiresSoon:
			days = cs.Yellow(days)
		}
		fmt.Fprintf(w, "    %-8s %s to %s (%s)\n", "valid", dateText(c.NotBefore), dateText(c.NotAfter), days)
		var names []string
		for _, n := range c.DNSNames {
			names = append(names, "DNS:"+n)
		}
		for _, n := range c.IPAddresses {
			names = append(names, "IP:"+n)
		}
		if len(names) > 0 {
			fmt.Fprintf(w, "    %-8s %s\n", "names", strings.Join(names, ", "))
		}
		fmt.Fprintf(w, "    %-8s %s\n", "serial", c.Serial)
		fmt.Fprintf(w, "    %-8s %s\n", "sha256", c.SHA256)
	}
	switch {
	case !r.ClientCertRequested:
		fmt.Fprintf(w, "%-10s %s\n", "client", "no client certificate requested (no ssl_ca_file)")
	case len(r.AcceptableCAs) == 0:
		fmt.Fprintf(w, "%-10s %s\n", "client", "a client certificate is requested, from any CA")
	default:
		fmt.Fprintf(w, "%-10s a client certificate is requested, from %s\n", "client", strings.Join(r.AcceptableCAs, "; "))
	}
	if r.ClientCertSent {
		if r.ClientCertError == "" {
			fmt.Fprintf(w, "%-10s %s\n", "", "the client certificate was accepted")
		} else {
			fmt.Fprintf(w, "%-10s %s\n", "", cs.Red("the client certificate was refused: "+r.ClientCertError))
		}
	}
	if v := r.Verdict; v != nil {
		root := r.RootFile
		if root == "" {
			root = "no root file"
		}
		if v.OK {
			fmt.Fprintf(w, "%-10s %s: libpq with sslmode=%s, host %s and %s accepts the server\n", "verdict", cs.Green("ok"), v.Mode, v.Host, root)
		} else {
			fmt.Fprintf(w, "%-10s %s: libpq with sslmode=%s, host %s and %s refuses the server: %s\n", "verdict", cs.Red("refused"), v.Mode, v.Host, root, v.Error)
		}
	}
	for _, p := range r.Problems {
		if r.Verdict != nil && !r.Verdict.OK && strings.HasPrefix(p, "libpq ") {
			continue
		}
		fmt.Fprintf(w, "%s %s\n", cs.Yellow(pad("problem", 10)), p)
	}
}
