package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// defaultWarnDays is how close to its end a certificate or CRL draws a warning
// (doctor.DefaultWarnDays says why).
const defaultWarnDays = doctor.DefaultWarnDays

// checkOptions are the flags of `pgcert check`.
type checkOptions struct {
	f        *Factory
	DataDir  string
	Hosts    []string
	WarnDays int
	Strict   bool
	PassIn   string
	Expiring bool
	// MetricsFile is --metrics-file, with --expiring.
	MetricsFile string

	lookup keyperm.Lookup
}

// newCheckCmd is `pgcert check`.
func newCheckCmd(f *Factory, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{f: f, lookup: keyperm.SystemLookup{}}
	cmd := &cobra.Command{
		Use:   "check -D PGDATA",
		Short: "predict what the server and libpq will say about a data directory's SSL set-up",
		Long:  help.Long("check"), Example: help.Example("check"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.DataDir == "" {
				return usageErrorf("give the data directory with -D PGDATA")
			}
			if opts.WarnDays < 0 {
				return usageErrorf("--warn-days must be 0 or more, not %d", opts.WarnDays)
			}
			if opts.MetricsFile != "" && !opts.Expiring {
				return usageErrorf("--metrics-file goes with --expiring")
			}
			for _, h := range opts.Hosts {
				if strings.TrimSpace(h) == "" {
					return usageErrorf("--host needs a host name")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	fl := cmd.Flags()
	addPgdataFlag(cmd, &opts.DataDir, "the data directory (or the directory holding postgresql.conf)")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a host name clients use, checked against the certificate with libpq's rules (repeatable)")
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates and CRLs that expire within this many days")
	fl.BoolVar(&opts.Strict, "strict", false, "exit 1 on warnings too")
	fl.BoolVar(&opts.Expiring, "expiring", false, "list every certificate and CRL with its days left, soonest first")
	addMetricsFileFlag(cmd, &opts.MetricsFile, ", with --expiring")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase source for an encrypted server key, to match it with the certificate (pass:, env:, file:, fd:, stdin)")
	return cmd
}

// checkRun checks the data directory and prints the report.
func checkRun(opts *checkOptions) error {
	f := opts.f
	setup, err := readServerSetup(opts.DataDir, opts.lookup)
	if err != nil {
		return err
	}
	dopts := doctor.Options{Now: f.Now(), WarnDays: opts.WarnDays, Hosts: opts.Hosts, Strict: opts.Strict, Lookup: opts.lookup}
	if opts.PassIn != "" {
		dopts.Passphrase = func() ([]byte, error) { return f.readPassphraseSpec("--passin", opts.PassIn) }
	}
	rep := doctor.Check(setup, dopts)
	if opts.Expiring {
		return expiringRun(f, rep.Expiring(), opts.MetricsFile)
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(f.IO.Out, f.IO.OutColors())
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}

// render writes v as one JSON document with --json, else as text; then
// errProblemsFound when !ok, the report having said what was found.
func render(f *Factory, v any, ok bool, text func(w io.Writer) error) error {
	var err error
	if f.Global.JSON {
		err = writeJSON(f.IO.Out, v)
	} else {
		err = text(f.IO.Out)
	}
	if err != nil {
		return err
	}
	if !ok {
		return errProblemsFound
	}
	return nil
}
