package cli

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keyperm"
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
		Long: `Renew what a data directory's SSL needs before it expires, for a nightly cron job:

  - the server certificate (ssl_cert_file), when it expires within --within (by
    default a third of its lifetime: an 825-day certificate is renewed with 275
    days left), or always with --force: signed by the local CA (--ca-dir, else the
    one the data directory records in pgcert-ca.conf, which renew writes) with the
    same subject and host names, the same key (--rekey makes a new one of the same
    kind), the same lifetime (--days changes it); the file is rebuilt with the CA's
    chain;
  - ssl_crl_file (root.crl), when a CA of the chain has no CRL in it, when one
    expires within 30 days, or when the CA revoked certificates since: a new CRL for
    every CA (once any CRL is configured, the server refuses every client
    certificate whose CAs lack a current one); CRLs of other CAs are kept.

The new set is checked before it touches the data directory, with the checks of
pgcert check (key and certificate match, chain order and signatures, CRL signatures
and coverage, file modes and owners), on a staged copy; when any fails, nothing is
changed. Then the files are swapped in one step and the previous ones kept as
FILE.prev (server.crt.prev, server.key.prev with the key's mode, root.crl.prev): one
generation, which --rollback puts back, again in one step (the files it replaces
become the .prev ones, so a second --rollback undoes the first).

--reload makes the running server (the PID in postmaster.pid) re-read its files with
SIGHUP, as pg_ctl reload does: open sessions stay connected, and new ones get the
new files. It then confirms over the PostgreSQL protocol, at the address in
postmaster.pid, that the server serves the new certificate. A server that rejects
new SSL files keeps its old ones and logs "SSL configuration was not reloaded"; renew
then says so, quotes the server log, and exits 1. When nothing is due, --reload
still reloads a server that serves another certificate than the one on disk.

Exit codes: 0 when the files were renewed (and, with --reload, the server serves
them) or nothing was due, which is said ("nothing to do: server.crt expires in N
days, renewal at M days"; not said with --quiet, so cron mails only renewals and
failures); 1 on any failure; 2 for a wrong command line.`,
		Example: `  # nightly, from root's crontab: renew what is due and reload the server
  pgcert renew -D /var/lib/postgresql/15/main --reload --quiet

  # renew now, with a new key
  pgcert renew -D "$PGDATA" --ca-dir /srv/pgca --force --rekey --reload

  # undo the last renewal
  pgcert renew -D "$PGDATA" --rollback --reload

  # instead of: openssl x509 -checkend 2592000 -noout -in server.crt
  #             openssl x509 -x509toreq -in server.crt -signkey server.key -out server.csr
  #             openssl ca -config ca.cnf -in server.csr -out server.crt
  #             openssl ca -config ca.cnf -gencrl -out root.crl
  #             pg_ctl reload -D "$PGDATA"`,
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
	fl := cmd.Flags()
	fl.StringVarP(&opts.DataDir, "pgdata", "D", "", "the data `DIR`ectory (or the directory holding postgresql.conf)")
	fl.IntVar(&opts.Days, "days", 0, "validity of the new certificate in days (default: the lifetime of the current one; cut to the CA's)")
	fl.StringVar(&opts.Within, "within", "", "renew when the certificate expires within this `TIME`: days (30, 30d) or a duration (720h) (default: a third of its lifetime)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "renew the certificate and the CRLs even when nothing is due")
	fl.BoolVar(&opts.Rekey, "rekey", false, "make a new server key (of the same kind) instead of keeping the current one")
	fl.BoolVar(&opts.Reload, "reload", false, "reload the running server and confirm that it serves the new certificate")
	fl.BoolVar(&opts.Rollback, "rollback", false, "put back the files the last renewal replaced (FILE.prev)")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the CA keys: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.DurationVar(&opts.Wait, "wait", rotate.DefaultReloadWait, "with --reload, how long to wait for the server to serve the new certificate")
	fl.StringArrayVar(&opts.AllowOutside, "allow-outside", nil, "allow writing this file outside the data directory (or behind a symbolic link) that a setting names, whoever owns it, and its .prev (repeatable)")
	fl.StringVar(&opts.MetricsFile, "metrics-file", "", metricsFlagUsage)
	cmd.MarkFlagFilename("metrics-file", "prom")
	cmd.MarkFlagDirname("pgdata")
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

// durationDays is d in whole days, rounded to the nearest, for messages.
func durationDays(d time.Duration) int {
	return int((d + 12*time.Hour) / (24 * time.Hour))
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
		fams := rotate.Metrics(dir, rep, err, opts.f.Now(), readMetricsFile(opts.MetricsFile))
		if werr := writeMetricsFile(opts.MetricsFile, fams); werr != nil && err == nil {
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
	rep, err := rotate.Renew(ro)
	if report != nil {
		*report = rep
	}
	if rep != nil {
		if perr := opts.f.printRenew(rep); perr != nil && err == nil {
			err = perr
		}
	}
	return renewError(opts, err)
}

// renewError is err, with the command that allows the refused files for an
// admin who checked them (rotate.OutsideError).
func renewError(opts *renewOptions, err error) error {
	var oe *rotate.OutsideError
	if !errors.As(err, &oe) {
		return err
	}
	allow := *opts
	allow.AllowOutside = slices.Clone(opts.AllowOutside)
	for _, p := range oe.Paths {
		// Allowing a file allows its .prev: name each file once.
		if base, ok := strings.CutSuffix(p, rotate.PrevSuffix); !ok || !slices.Contains(oe.Paths, base) {
			allow.AllowOutside = append(allow.AllowOutside, p)
		}
	}
	return &Error{Err: err, Hints: []string{
		"a setting naming a file outside the data directory is the database owner's word (ALTER SYSTEM), not yours; see docs/security.md",
		"if you checked the file and mean renew to write it: " + renewCommandLine(&allow),
	}}
}

// renewCommandLine rebuilds the command the user typed, for a hint. A pass:
// passphrase is left out, not echoed: the command asks for it instead.
func renewCommandLine(opts *renewOptions) string {
	parts := []string{"pgcert renew", "-D", shellWord(opts.DataDir)}
	if opts.Rollback {
		parts = append(parts, "--rollback")
	} else {
		if opts.CADir != "" {
			parts = append(parts, "--ca-dir", shellWord(opts.CADir))
		}
		if opts.Days > 0 {
			parts = append(parts, "--days", strconv.Itoa(opts.Days))
		}
		if opts.Within != "" {
			parts = append(parts, "--within", shellWord(opts.Within))
		}
		if opts.Force {
			parts = append(parts, "--force")
		}
		if opts.Rekey {
			parts = append(parts, "--rekey")
		}
		if opts.PassIn != "" && !strings.HasPrefix(opts.PassIn, "pass:") {
			parts = append(parts, "--passin", shellWord(opts.PassIn))
		}
	}
	if opts.Reload {
		parts = append(parts, "--reload")
	}
	if opts.Wait != rotate.DefaultReloadWait {
		parts = append(parts, "--wait", opts.Wait.String())
	}
	for _, p := range opts.AllowOutside {
		parts = append(parts, "--allow-outside", shellWord(p))
	}
	return strings.Join(parts, " ")
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
