package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// defaultWarnDays is how close to its end a certificate or CRL draws a warning
// (doctor.DefaultWarnDays says why).
const defaultWarnDays = doctor.DefaultWarnDays

// checkOptions are the flags of `pgcert check`.
type checkOptions struct {
	f *Factory
	doctor.Command
	PassIn string

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
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddPgdataFlag(cmd, &opts.DataDir, "the data directory (or the directory holding postgresql.conf)")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a host name clients use, checked against the certificate with libpq's rules (repeatable)")
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates and CRLs that expire within this many days")
	fl.BoolVar(&opts.Strict, "strict", false, "exit 1 on warnings too")
	fl.BoolVar(&opts.Expiring, "expiring", false, "list every certificate and CRL with its days left, soonest first")
	cmdutil.AddMetricsFileFlag(cmd, &opts.MetricsFile, ", with --expiring")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase source for an encrypted server key, to match it with the certificate (pass:, env:, file:, fd:, stdin)")
	return cmd
}

// checkRun checks the data directory and prints the report, or the --expiring list;
// it fails (exit 1) when the check, or with --strict a warning, says so.
func checkRun(opts *checkOptions) error {
	f := opts.f
	setup, err := cmdutil.ReadServerSetup(opts.DataDir, opts.lookup)
	if err != nil {
		return err
	}
	dopts := doctor.Options{Now: f.Now(), Lookup: opts.lookup}
	if opts.PassIn != "" {
		dopts.Passphrase = func() ([]byte, error) { return f.ReadPassphraseSpec("--passin", opts.PassIn) }
	}
	rep, exp, err := opts.Run(setup, dopts)
	switch {
	case err != nil:
		return err
	case exp != nil:
		return render(f, exp, exp.OK, func(w io.Writer) error { return exp.WriteText(w, f.IO.OutColors()) })
	}
	return render(f, rep, rep.OK, func(w io.Writer) error { rep.WriteText(w, f.IO.OutColors()); return nil })
}

// render writes v as one JSON document with --json, else as text; then
// cmdutil.ErrProblemsFound when !ok, the report having said what was found.
func render(f *Factory, v any, ok bool, text func(w io.Writer) error) error {
	var err error
	if f.Global.JSON {
		err = cmdutil.WriteJSON(f.IO.Out, v)
	} else {
		err = text(f.IO.Out)
	}
	if err != nil {
		return err
	}
	if !ok {
		return cmdutil.ErrProblemsFound
	}
	return nil
}
