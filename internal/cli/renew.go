package cli

import (
	"context"
	"io"
	"net"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// renewOptions are the flags of `pgcert renew`.
type renewOptions struct {
	f *Factory
	rotate.Command
	// Step names a step-ca (else the one the data directory records).
	Step stepFlags

	lookup keyperm.Lookup
	// signal sends SIGHUP to the postmaster; tests replace it.
	signal func(pid int) error
	// dial replaces the network of the reload's probes, for tests.
	dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// newRenewCmd is `pgcert renew`.
func newRenewCmd(f *Factory, runF func(*renewOptions) error) *cobra.Command {
	opts := &renewOptions{f: f, lookup: keyperm.SystemLookup{}}
	cmd := &cobra.Command{
		Use:   "renew -D PGDATA",
		Short: "renew the server certificate and CRLs before they expire, swap them atomically, reload the server",
		Long:  help.Long("renew"), Example: help.Example("renew"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.DataDir == "" {
				return hint.Usagef("give the data directory with -D PGDATA")
			}
			if err := selfsign.CheckDays(opts.Days, f.Now(), true); err != nil {
				return err
			}
			if err := opts.Validate(cmd.Flags().Changed); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return renewRun(opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, true)
	fl := cmd.Flags()
	cmdutil.AddPgdataFlag(cmd, &opts.DataDir, "the data `DIR`ectory (or the directory holding postgresql.conf)")
	fl.IntVar(&opts.Days, "days", 0, "validity of the new certificate in days (default: the lifetime of the current one; cut to the CA's)")
	fl.StringVar(&opts.Within, "within", "", "renew when the certificate expires within this `TIME`: days (30, 30d) or a duration (720h) (default: a third of its lifetime)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "renew the certificate and the CRLs even when nothing is due")
	fl.BoolVar(&opts.Rekey, "rekey", false, "make a new server key (of the same kind) instead of keeping the current one")
	fl.BoolVar(&opts.Reload, "reload", false, "reload the running server and confirm that it serves the new certificate")
	fl.BoolVar(&opts.Rollback, "rollback", false, "put back the files the last renewal replaced (FILE.prev)")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the CA keys: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.DurationVar(&opts.Wait, "wait", rotate.DefaultReloadWait, "with --reload, how long to wait for the server to serve the new certificate")
	fl.StringArrayVar(&opts.AllowOutside, "allow-outside", nil, "allow writing this file outside the data directory (or behind a symbolic link) that a setting names, whoever owns it, and its .prev (repeatable)")
	cmdutil.AddMetricsFileFlag(cmd, &opts.MetricsFile, "")
	return cmd
}

// renewRun renews, or rolls back, and reports: pkg/rotate gets the factory's world,
// its clock and randomness, the CA (opened with its notes routed to warnings,
// unlocked with --passin or a prompt), key generation with a spinner, the checks of
// pgcert check as the validation, and warnings and progress on standard error.
func renewRun(opts *renewOptions) error {
	f := opts.f
	u := f.Unlocker(opts.PassIn)
	return opts.Run(rotate.RunOptions{
		Options: rotate.Options{
			Now: f.Now, Rand: f.Rand, Unlock: u, GenerateKey: f.GenerateKey, Validate: doctor.Validate,
			Signal: opts.signal, Dial: opts.dial,
			Warn: func(msg string) { f.Warnf("%s", msg) }, Info: func(msg string) { f.Infof("%s", msg) },
		},
		ReadSetup: func(dir string) (*pgdata.Setup, error) { return cmdutil.ReadServerSetup(dir, opts.lookup) },
		CAFor:     func(dataDir string) (*ca.CA, error) { return f.OpenCAFor(opts.CADir, dataDir) },
		Remote:    func(dataDir string) (*rotate.StepRemote, error) { return f.stepRemote(opts.Step, dataDir) },
		Print: func(rep *rotate.Report) error {
			return render(f, rep, true, func(w io.Writer) error { return rep.WriteText(w, f.Global.Quiet) })
		},
	})
}
