package cli

import (
	"context"
	"io"
	"net"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/probe"
)

// probeOptions are the flags of `pgcert probe`.
type probeOptions struct {
	f *Factory
	probe.Command
	PassIn string

	// dial replaces the network for tests.
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// newProbeCmd is `pgcert probe`.
func newProbeCmd(f *Factory, runF func(*probeOptions) error) *cobra.Command {
	opts := &probeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "probe HOST[:PORT]...",
		Short: "ask a running server for its SSL set-up and say whether libpq would accept it",
		Long:  help.Long("probe"), Example: help.Example("probe"),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 || opts.TargetsFile != "" || opts.ServiceFile != "" {
				return nil
			}
			return exactArgs(1, "HOST[:PORT]")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets, opts.JSON = args, f.Global.JSON
			opts.SSLModeGiven, opts.RootGiven = cmd.Flags().Changed("sslmode"), cmd.Flags().Changed("root")
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return probeRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.TargetsFile, "targets-file", "", "probe the servers listed in `FILE`, one HOST[:PORT] a line (# starts a comment)")
	fl.StringVar(&opts.ServiceFile, "service-file", "", "probe every host of every service of a pg_service.conf `FILE`, with its sslmode and sslrootcert")
	fl.IntVar(&opts.Parallel, "parallel", probe.DefaultParallel, "probe at most `N` servers at once (each probe is a connection the server forks a backend for)")
	fl.StringVar(&opts.MetricsFile, "metrics-file", "", cmdutil.MetricsFlagUsage)
	fl.BoolVar(&opts.Prometheus, "prometheus", false, "print the results as Prometheus metrics instead of one line per server")
	cmd.MarkFlagFilename("targets-file")
	cmd.MarkFlagFilename("service-file", "conf")
	cmd.MarkFlagFilename("metrics-file", "prom")
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
	cmd.RegisterFlagCompletionFunc("sslmode", cmdutil.FixedCompletion(probe.SSLModes...))
	return cmd
}

// probeRun probes the server, or the fleet, and reports.
func probeRun(opts *probeOptions) error {
	f := opts.f
	env := probe.Env{
		ReadFile: f.ReadInput, DefaultRoot: libpqRootFile(f), Progress: f.IO.StartProgress, Now: f.Now, Dial: opts.dial,
		KeyPassphrase: func(key string) ([]byte, error) { return f.ExistingPassphrase("--passin", opts.PassIn, key)() },
	}
	if !opts.Fleet() {
		rep, err := opts.Run(context.Background(), env)
		if err != nil {
			return err
		}
		return render(f, rep, rep.OK, func(w io.Writer) error { rep.WriteText(w, f.IO.OutColors(), f.Now()); return nil })
	}
	rep, err := opts.RunFleet(context.Background(), env)
	if err != nil {
		return err
	}
	return render(f, rep, rep.OK, func(w io.Writer) error {
		if opts.Prometheus {
			return metrics.Write(w, rep.Metrics())
		}
		return rep.WriteText(w)
	})
}
