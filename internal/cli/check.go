package cli

import (
	"strings"

	"github.com/spf13/cobra"

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
		Long: `Read a data directory's configuration the way the server does — postgresql.conf with
include, include_if_exists and include_dir, then postgresql.auto.conf, the last
setting winning, relative paths against the data directory, the rules of the version
in PG_VERSION — and check every SSL file it names, before the server refuses to start
or a client refuses to connect:

  - ssl is on; every file exists and the database user can read it; the key's mode
    and owner pass the server's rule;
  - the key loads (PEM; an encrypted key needs ssl_passphrase_command) and matches
    the first certificate of ssl_cert_file;
  - ssl_cert_file: leaf first, each next certificate the issuer of the one before,
    signatures, validity and days left, extendedKeyUsage serverAuth, subjectAltNames,
    and the --host names as libpq matches them for sslmode=verify-full;
  - ssl_ca_file: CA certificates only, reaching self-signed roots, days left;
  - ssl_crl_file and ssl_crl_dir: each CRL parses and is signed by its CA, every CA of
    ssl_ca_file has a current one (once any CRL is configured the server checks every
    CA of a client's chain and refuses the client when one has none), days left;
  - settings the server refuses at start (an unknown parameter or protocol version,
    a minimum protocol above the maximum, an ssl_ciphers list of no known suite, an
    ssl_ecdh_curve that is no EC curve, a missing ssl_dh_params_file), and settings
    that weaken SSL: ssl_min_protocol_version below TLSv1.2, NULL ciphers;
  - an intermediate CA revoked by its root's CRL, and a server certificate signed
    with Ed25519 (libpq's SCRAM channel binding cannot hash it);
  - pg_hba.conf: lines the server refuses (clientcert=1 since PostgreSQL 14), @file
    inclusions that loop, and client-certificate lines while ssl_ca_file is empty.

Findings are grouped per file as ok, warning or error, with the server's or libpq's
own words where they have any, and a fix. The database user is the data directory's
owner. pgcert must be able to read the files: run it as root or as that user.

--expiring prints instead every certificate and CRL of those files with its days
left, soonest first, for monitoring (--json for a machine); it exits 1 when one has
expired, or with --strict when one expires within --warn-days.

Exit codes: 0 when there is no error (warnings alone too, unless --strict), 1 when
there is an error, or with --strict a warning, or the directory cannot be read;
2 for a wrong command line.`,
		Example: `  # instead of: openssl x509 -in server.crt -noout -dates -ext subjectAltName
  #             openssl verify -CAfile root.crt -untrusted server.crt server.crt
  #             openssl crl -in root.crl -noout -nextupdate
  #             ls -l server.key, and reading postgresql.conf and pg_hba.conf
  pgcert check -D /var/lib/postgresql/15/main

  # Debian keeps postgresql.conf apart from the data directory: either works
  pgcert check -D /etc/postgresql/15/main --host db.example.com --host 10.0.0.5

  # for monitoring
  pgcert check -D "$PGDATA" --json --warn-days 14 --strict
  pgcert check -D "$PGDATA" --expiring --json`,
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
	fl.StringVarP(&opts.DataDir, "pgdata", "D", "", "the data directory (or the directory holding postgresql.conf)")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a host name clients use, checked against the certificate with libpq's rules (repeatable)")
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates and CRLs that expire within this many days")
	fl.BoolVar(&opts.Strict, "strict", false, "exit 1 on warnings too")
	fl.BoolVar(&opts.Expiring, "expiring", false, "list every certificate and CRL with its days left, soonest first")
	fl.StringVar(&opts.MetricsFile, "metrics-file", "", metricsFlagUsage+", with --expiring")
	cmd.MarkFlagFilename("metrics-file", "prom")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase source for an encrypted server key, to match it with the certificate (pass:, env:, file:, fd:, stdin)")
	cmd.MarkFlagDirname("pgdata")
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
