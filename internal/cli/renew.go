package cli

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// renewOptions are the flags of `pgcert renew`.
type renewOptions struct {
	f        *Factory
	DataDir  string
	CADir    string
	Days     int
	Within   string
	Force    bool
	Rekey    bool
	Reload   bool
	Rollback bool
	PassIn   string
	Wait     time.Duration
	// AllowOutside are --allow-outside: files outside the data directory a
	// setting names that the admin allows renew to change.
	AllowOutside []string
	// MetricsFile is --metrics-file: where the run's state goes as Prometheus
	// metrics; empty for none.
	MetricsFile string
	// Step names a step-ca (else the one the data directory records).
	Step stepFlags

	// within is --within parsed; 0 when it was not given.
	within time.Duration

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
				return usageErrorf("give the data directory with -D PGDATA")
			}
			if err := checkDays(opts.Days, f.Now(), true); err != nil {
				return err
			}
			if opts.Within != "" {
				d, err := parseWithin(opts.Within)
				if err != nil {
					return err
				}
				opts.within = d
			}
			if opts.Wait <= 0 {
				return usageErrorf("--wait must be positive, such as 30s")
			}
			if opts.Rollback {
				for _, name := range []string{"ca-dir", "days", "within", "force", "rekey", "passin"} {
					if cmd.Flags().Changed(name) {
						return usageErrorf("--rollback puts the previous files back: --%s does not apply", name)
					}
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return renewRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, true)
	fl := cmd.Flags()
	addPgdataFlag(cmd, &opts.DataDir, "the data `DIR`ectory (or the directory holding postgresql.conf)")
	fl.IntVar(&opts.Days, "days", 0, "validity of the new certificate in days (default: the lifetime of the current one; cut to the CA's)")
	fl.StringVar(&opts.Within, "within", "", "renew when the certificate expires within this `TIME`: days (30, 30d) or a duration (720h) (default: a third of its lifetime)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "renew the certificate and the CRLs even when nothing is due")
	fl.BoolVar(&opts.Rekey, "rekey", false, "make a new server key (of the same kind) instead of keeping the current one")
	fl.BoolVar(&opts.Reload, "reload", false, "reload the running server and confirm that it serves the new certificate")
	fl.BoolVar(&opts.Rollback, "rollback", false, "put back the files the last renewal replaced (FILE.prev)")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the CA keys: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.DurationVar(&opts.Wait, "wait", rotate.DefaultReloadWait, "with --reload, how long to wait for the server to serve the new certificate")
	fl.StringArrayVar(&opts.AllowOutside, "allow-outside", nil, "allow writing this file outside the data directory (or behind a symbolic link) that a setting names, whoever owns it, and its .prev (repeatable)")
	addMetricsFileFlag(cmd, &opts.MetricsFile, "")
	return cmd
}

// parseWithin reads --within: a number of days ("30", "30d") or a Go duration
// ("720h").
func parseWithin(s string) (time.Duration, error) {
	days := strings.TrimSuffix(s, "d")
	if n, err := strconv.Atoi(days); err == nil && n >= 0 {
		return time.Duration(n) * 24 * time.Hour, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, usageErrorf("--within %s: give days (30, 30d) or a duration (720h)", s)
}

// renewRun renews, or rolls back, and reports.
func renewRun(opts *renewOptions) error {
	if opts.MetricsFile != "" && !opts.Rollback {
		var rep *rotate.Report
		err := renewRunReport(opts, &rep)
		dir, aerr := filepath.Abs(opts.DataDir)
		if aerr != nil {
			dir = opts.DataDir
		}
		fams := rotate.Metrics(dir, rep, err, opts.f.Now(), metrics.ReadFile(opts.MetricsFile))
		if werr := metrics.WriteFile(opts.MetricsFile, fams); werr != nil && err == nil {
			err = werr
		}
		return err
	}
	return renewRunReport(opts, nil)
}

// renewRunReport is renewRun, setting *report (when not nil) to a renewal's report.
func renewRunReport(opts *renewOptions, report **rotate.Report) error {
	setup, err := readServerSetup(opts.DataDir, opts.lookup)
	if err == nil {
		err = setup.RefuseSpecialFiles()
	}
	if err != nil {
		return err
	}
	ro := opts.rotateOptions(setup)
	if opts.Rollback {
		rep, err := rotate.Rollback(ro)
		if rep != nil {
			if perr := opts.f.printRenew(rep); perr != nil && err == nil {
				err = perr
			}
		}
		return renewError(opts, err)
	}
	remote, err := opts.f.stepRemote(opts.Step, setup.Dir.Dir)
	if err != nil {
		return err
	}
	if remote != nil {
		ro.Remote = remote
	}
	rep, err := rotate.Renew(ro)
	if report != nil {
		*report = rep
	}
	if rep != nil {
		if perr := opts.f.printRenew(rep); perr != nil && err == nil {
			err = perr
		}
	}
	return renewError(opts, stepError(err))
}

// renewError is err, with the command that allows the refused files for an
// admin who checked them (rotate.OutsideError).
func renewError(opts *renewOptions, err error) error {
	return rotate.ExplainOutside(err, rotate.Command{
		DataDir: opts.DataDir, CADir: opts.CADir, Days: opts.Days, Within: opts.Within, Force: opts.Force, Rekey: opts.Rekey,
		Reload: opts.Reload, Rollback: opts.Rollback, PassIn: opts.PassIn, Wait: opts.Wait, AllowOutside: opts.AllowOutside,
	})
}

// rotateOptions gives pkg/rotate the flags and the factory's world: its clock and
// randomness, the CA (opened with its notes routed to warnings, unlocked with
// --passin or a prompt), key generation with a spinner, the checks of pgcert check
// as the validation, and warnings and progress on standard error.
func (opts *renewOptions) rotateOptions(setup *serverSetup) rotate.Options {
	f := opts.f
	u := &caUnlocker{f: f, passIn: opts.PassIn}
	return rotate.Options{
		Setup:        setup,
		Force:        opts.Force,
		Rekey:        opts.Rekey,
		Days:         opts.Days,
		Within:       opts.within,
		WithinSet:    opts.Within != "",
		Reload:       opts.Reload,
		Wait:         opts.Wait,
		AllowOutside: opts.AllowOutside,
		Now:          f.Now,
		Rand:         f.Rand,
		OpenCA:       func() (*ca.CA, error) { return f.openCAFor(opts.CADir, setup.Dir.Dir) },
		Unlock:       u.unlock,
		GenerateKey:  f.generateKey,
		Validate:     doctor.Validate,
		Signal:       opts.signal,
		Dial:         opts.dial,
		Warn:         func(msg string) { f.warnf("%s", msg) },
		Info:         func(msg string) { f.infof("%s", msg) },
	}
}

// printRenew writes renew's report, or a rollback's: JSON, or lines for a person
// (and a cron mail).
func (f *Factory) printRenew(rep *rotate.Report) error {
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	return rep.WriteText(f.IO.Out, f.Global.Quiet)
}
