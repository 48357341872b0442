package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/probe"
)

// probeFleetFlags are the flags of `pgcert probe` that make it probe a fleet.
type probeFleetFlags struct {
	// Targets are the HOST[:PORT] arguments when there are several (or files too).
	Targets     []string
	TargetsFile string
	ServiceFile string
	Parallel    int
	MetricsFile string
	Prometheus  bool
	// sslmodeGiven and rootGiven say that --sslmode or --root was on the command
	// line: then it wins over a service's sslmode or sslrootcert, as a connection
	// string's setting wins over the service's in libpq.
	sslmodeGiven, rootGiven bool
}

// addProbeFleetFlags adds the fleet's flags to probe's.
func addProbeFleetFlags(cmd *cobra.Command, opts *probeOptions) {
	fl := cmd.Flags()
	fl.StringVar(&opts.TargetsFile, "targets-file", "", "probe the servers listed in `FILE`, one HOST[:PORT] a line (# starts a comment)")
	fl.StringVar(&opts.ServiceFile, "service-file", "", "probe every host of every service of a pg_service.conf `FILE`, with its sslmode and sslrootcert")
	fl.IntVar(&opts.Parallel, "parallel", probe.DefaultParallel, "probe at most `N` servers at once (each probe is a connection the server forks a backend for)")
	fl.StringVar(&opts.MetricsFile, "metrics-file", "", metricsFlagUsage)
	fl.BoolVar(&opts.Prometheus, "prometheus", false, "print the results as Prometheus metrics instead of one line per server")
	cmd.MarkFlagFilename("targets-file")
	cmd.MarkFlagFilename("service-file", "conf")
	cmd.MarkFlagFilename("metrics-file", "prom")
}

// probeArgs wants a target, unless a file gives them.
func probeArgs(opts *probeOptions) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 || opts.TargetsFile != "" || opts.ServiceFile != "" {
			return nil
		}
		return exactArgs(1, "HOST[:PORT]")(cmd, args)
	}
}

// isFleet says whether the command line asks for the fleet's report rather than
// the one-server report: several targets, a file of them, or metrics.
func (opts *probeOptions) isFleet(cmd *cobra.Command, args []string) (bool, error) {
	if len(args) == 1 && opts.TargetsFile == "" && opts.ServiceFile == "" && opts.MetricsFile == "" && !opts.Prometheus {
		return false, nil
	}
	opts.Targets = args
	opts.sslmodeGiven, opts.rootGiven = cmd.Flags().Changed("sslmode"), cmd.Flags().Changed("root")
	switch {
	case opts.HostAddr != "":
		return true, usageErrorf("--hostaddr goes with one HOST; for many, give hostaddr in a --service-file")
	case opts.Parallel < 1:
		return true, usageErrorf("--parallel must be 1 or more, not %d", opts.Parallel)
	case opts.Prometheus && opts.f.Global.JSON:
		return true, usageErrorf("--prometheus and --json are two outputs: give one")
	}
	return true, nil
}

// probeFleetRun probes every target and reports.
func probeFleetRun(opts *probeOptions) error {
	f := opts.f
	targets, err := probeTargets(opts)
	if err != nil {
		return err
	}
	rootFile, roots, err := probeRoots(opts)
	if err != nil {
		return err
	}
	fo := probe.FleetOptions{
		Parallel: opts.Parallel, Timeout: opts.Timeout, SSLMode: opts.SSLMode, WarnDays: opts.WarnDays,
		RootFile: rootFile, Roots: roots, DefaultRoot: libpqRootFile(f), Now: f.Now, Dial: opts.dial,
		LoadRoots: func(file string) ([]*x509.Certificate, error) {
			data, err := f.readInput(file)
			if err != nil {
				return nil, err
			}
			return chain.ParseCertificates(data)
		},
	}
	if opts.Cert != "" {
		if fo.Certificate, err = clientCertificate(opts); err != nil {
			return err
		}
	}
	stop := f.IO.StartProgress(fmt.Sprintf("probing %d servers", len(targets)))
	rep := probe.ProbeAll(context.Background(), targets, fo)
	stop()
	if opts.MetricsFile != "" {
		if err := metrics.WriteFile(opts.MetricsFile, rep.Metrics()); err != nil {
			return err
		}
	}
	switch {
	case f.Global.JSON:
		err = writeJSON(f.IO.Out, rep)
	case opts.Prometheus:
		err = metrics.Write(f.IO.Out, rep.Metrics())
	default:
		err = rep.WriteText(f.IO.Out)
	}
	if err != nil {
		return err
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}

// probeTargets gathers the targets: the arguments, then the targets file, then the
// service file. A line of a file that cannot be read is a usage error naming it.
func probeTargets(opts *probeOptions) ([]probe.Target, error) {
	targets, err := probe.TargetsFromArgs(opts.Targets)
	if err != nil {
		return nil, usageErrorf("%s", trimProbe(err))
	}
	for _, file := range []struct {
		name string
		read func(io.Reader, string) ([]probe.Target, error)
	}{
		{opts.TargetsFile, probe.ReadTargets},
		{opts.ServiceFile, probe.ReadServiceFile},
	} {
		if file.name == "" {
			continue
		}
		data, err := opts.f.readInput(file.name)
		if err != nil {
			return nil, err
		}
		more, err := file.read(bytes.NewReader(data), file.name)
		var pe *probe.ParseError
		if errors.As(err, &pe) {
			return nil, usageErrorf("%s", trimProbe(err))
		}
		if err != nil {
			return nil, err
		}
		if len(more) == 0 {
			return nil, usageErrorf("%s lists no server", file.name)
		}
		targets = append(targets, more...)
	}
	for i := range targets {
		if opts.sslmodeGiven {
			targets[i].SSLMode = opts.SSLMode
		}
		if opts.rootGiven {
			targets[i].SSLRootCert = ""
		}
	}
	return targets, nil
}

// trimProbe drops the package's "probe: " from an error for the command line.
func trimProbe(err error) string { return strings.Replace(err.Error(), "probe: ", "", 1) }
