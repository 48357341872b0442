package cli

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
)

type caRevokeOptions struct {
	f      *Factory
	Serial string
	CADir  string
	Cert   string
	Reason string

	// DataDir is -D: the data directory whose recorded CA revokes.
	DataDir string
	// Step names a step-ca (else the one -D records).
	Step stepFlags
}

func newCaRevokeCmd(f *Factory, runF func(*caRevokeOptions) error) *cobra.Command {
	opts := &caRevokeOptions{f: f}
	reasons := make([]string, len(ca.Reasons))
	for i, r := range ca.Reasons {
		reasons[i] = r.String()
	}
	cmd := &cobra.Command{
		Use:   "revoke (SERIAL | --cert FILE)",
		Short: "revoke a certificate the local CA issued",
		Long: `Mark a certificate as revoked in the CA's index, by its serial number (hexadecimal,
as pgcert ca list and openssl x509 -serial print it; colons allowed) or by the
certificate file. The intermediate CA itself can be revoked too: the root's index
records it.

Revocation takes effect when a new CRL reaches the server: pgcert renew -D PGDATA
--reload makes it from the data directory's CA and reloads the server (it says
which data directories the CA serves). Until then the certificate still logs in.
Like openssl ca -revoke, this needs no CA key. -D PGDATA finds the CA the data
directory records, without --ca-dir.

pgbouncer (1.18) and pgBackRest (2.45) have no CRL setting: a certificate they
check (pgbouncer's client_tls_ca_file with auth_type=cert, pgBackRest's
tls-server-ca-file) is still accepted by them after it is revoked here. Stop it
there too: ALTER ROLE ... NOLOGIN on the server for a pgbouncer client, its Common
Name out of pgBackRest's tls-server-auth; docs/other-tools.md says which
certificates each tool needs and how to issue them.

--reason is one of openssl's: ` + strings.Join(reasons, ", ") + `; without it the CRL
entry carries no reason code, as RFC 5280 asks for an unspecified one.

Exit codes: 0 revoked, 1 failure (unknown serial, already revoked), 2 bad usage.`,
		Example: `  # instead of: openssl ca -revoke alice.crt -crl_reason keyCompromise
  pgcert ca revoke --cert alice/postgresql.crt --reason keyCompromise

  pgcert ca revoke 3A:1F:09:C2 --reason superseded`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return &UsageError{Err: fmt.Errorf("give one serial number"), Command: cmd.CommandPath()}
			case len(args) == 1 && opts.Cert != "":
				return &UsageError{Err: fmt.Errorf("give a serial number or --cert, not both"), Command: cmd.CommandPath()}
			case len(args) == 0 && opts.Cert == "":
				return &UsageError{Err: fmt.Errorf("give the serial number or --cert FILE of the certificate to revoke"), Command: cmd.CommandPath()}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Serial = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return caRevokeRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.Cert, "cert", "", "the certificate `FILE` to revoke (its first certificate)")
	fl.StringVar(&opts.Reason, "reason", "", "the `REASON` recorded: keyCompromise, superseded, cessationOfOperation, ...")
	cmd.MarkFlagFilename("cert", "crt", "pem", "der")
	cmd.RegisterFlagCompletionFunc("reason", fixedCompletion(reasons...))
	return cmd
}

// parseSerial reads a serial number with ca.ParseSerial.
func parseSerial(s string) (*big.Int, error) {
	n, ok := ca.ParseSerial(s)
	if !ok {
		return nil, usageErrorf("%q is not a serial number in hexadecimal (as pgcert ca list prints it)", s)
	}
	return n, nil
}

func caRevokeRun(opts *caRevokeOptions) error {
	f := opts.f
	reason := ca.ReasonNone
	if opts.Reason != "" {
		r, err := ca.ParseReason(opts.Reason)
		if err != nil {
			return usageErrorf("--reason %s: want one of keyCompromise, CACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, removeFromCRL, unspecified", opts.Reason)
		}
		reason = r
	}
	var rec *ca.StepRecord
	if opts.DataDir != "" && opts.CADir == "" {
		rec, _ = ca.ReadStepRecord(opts.DataDir)
	}
	if opts.Step.URL != "" || rec != nil {
		return f.caRevokeStep(opts, reason, rec)
	}
	c, err := f.openCAFor(opts.CADir, opts.DataDir)
	if err != nil {
		return err
	}
	var rv *ca.Revocation
	if opts.Cert != "" {
		data, err := f.readInput(opts.Cert)
		if err != nil {
			return err
		}
		certs, err := chain.ParseCertificates(data)
		if err != nil {
			return fmt.Errorf("%s: %w", opts.Cert, err)
		}
		rv, err = c.RevokeCert(certs[0], reason, f.Now())
		if errors.Is(err, ca.ErrNotIssued) {
			return failf([]string{"revoke it with the CA that issued it (--ca-dir)"}, "%s was not issued by the CA in %s", opts.Cert, c.Dir)
		}
		if err != nil {
			return revokeError(err)
		}
	} else {
		serial, err := parseSerial(opts.Serial)
		if err != nil {
			return err
		}
		if rv, err = c.Revoke(serial, reason, f.Now()); err != nil {
			return revokeError(err)
		}
	}
	r := rv.Report()
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	fmt.Fprintf(f.IO.Out, "revoked %s (%s), reason %s, in %s\n", r.Serial, r.Subject, r.Reason, r.CADir)
	f.revokedNext(c)
	return nil
}

// revokedNext says how the revocation reaches the servers: pgcert renew for each
// data directory the CA serves (renew sees the revocation and makes the CRLs), else
// crl gen into a file.
func (f *Factory) revokedNext(c *ca.CA) {
	dirs, err := c.DataDirs()
	if err != nil || len(dirs) == 0 {
		f.infof("the server refuses it once it has a new CRL: pgcert crl gen --ca-dir %s -o PGDATA/root.crl --force, then reload the server", shellWord(c.Dir))
		return
	}
	for _, d := range dirs {
		f.infof("the server refuses it once it has a new CRL: pgcert renew -D %s --reload", shellWord(d))
	}
}

// revokeError adds hints to the errors of ca.Revoke.
func revokeError(err error) error {
	var nf *ca.NotFoundError
	var ar *ca.AlreadyRevokedError
	switch {
	case errors.As(err, &nf):
		return withHints(err, "pgcert ca list shows the serials the CA issued")
	case errors.As(err, &ar):
		return withHints(err, "nothing to do; refresh the CRL if the server does not refuse it yet")
	}
	return err
}
