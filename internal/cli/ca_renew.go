package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// newCaRenewCmd is `pgcert ca renew`, the parent of client.
func newCaRenewCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "renew",
		Short: "replace a certificate the local CA issued with a new one for the same name",
		Long:  help.Long("ca renew"), Example: help.Example("ca renew"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCaRenewClientCmd(f, nil))
	return cmd
}

type caRenewClientOptions struct {
	f         *Factory
	CADir     string
	User      string
	OutDir    string
	Days      int
	Rekey     bool
	RevokeOld bool
	PK8       bool
	Host      string
	PassIn    string
	// Step names a step-ca that renews instead (mutual TLS with the bundle).
	Step stepFlags
}

func newCaRenewClientCmd(f *Factory, runF func(*caRenewClientOptions) error) *cobra.Command {
	opts := &caRenewClientOptions{f: f}
	cmd := &cobra.Command{
		Use:   "client --user ROLE",
		Short: "issue a new client certificate for a role, to replace its current one",
		Long:  help.Long("ca renew client"), Example: help.Example("ca renew client"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkRole(opts.User); err != nil {
				return err
			}
			if err := checkDays(opts.Days, f.Now(), true); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return caRenewClientRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "the database `ROLE` whose certificate is renewed")
	addOutDirFlag(cmd, &opts.OutDir, "the bundle `DIR`ectory (default: CA_DIR/clients/ROLE)")
	fl.IntVar(&opts.Days, "days", 0, "validity in days (default: that of the current certificate; cut to the CA's)")
	fl.BoolVar(&opts.Rekey, "rekey", false, "make a new key instead of keeping postgresql.key")
	fl.BoolVar(&opts.RevokeOld, "revoke-old", false, "revoke the replaced certificate (reason superseded)")
	addPK8Flag(cmd, &opts.PK8)
	addConnHostFlag(cmd, &opts.Host)
	addCAPassInFlag(cmd, &opts.PassIn)
	cmd.MarkFlagRequired("user")
	return cmd
}

func caRenewClientRun(opts *caRenewClientOptions) error {
	f := opts.f
	if opts.Step.URL != "" {
		return f.caRenewClientStep(opts)
	}
	caDir, err := f.resolveCADir(opts.CADir)
	if err != nil {
		return err
	}
	out := opts.OutDir
	if out == "" {
		out = filepath.Join(caDir, ca.ClientsDir, opts.User)
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	c, err := f.openSigningCA(caDir, opts.PassIn)
	if err != nil {
		return err
	}
	if err := ca.NeedRoot(c); err != nil {
		return err
	}
	re, err := rotate.ReissueClient(c, rotate.ReissueOptions{Role: opts.User, Dir: out, Days: opts.Days, Rekey: opts.Rekey,
		Now: f.Now(), Rand: f.Rand, Generate: f.generateKey})
	if err != nil {
		return err
	}
	old := re.Old
	b, files, err := f.bundleFiles(c, re.Issued, re.Key, opts.User, out, opts.PK8, true, opts.Host)
	if err != nil {
		return err
	}
	if err := f.writeBundle(b, files); err != nil {
		return err
	}
	r := ca.BundleRenewal{BundleReport: *b, OldSerial: ca.SerialHex(old.SerialNumber.Bytes()),
		OldNotAfter: old.NotAfter.UTC().Format(time.RFC3339), Rekeyed: re.Rekeyed}
	if opts.RevokeOld {
		_, err := c.Revoke(old.SerialNumber, ca.ReasonSuperseded, f.Now())
		var ar *ca.AlreadyRevokedError
		switch {
		case errors.As(err, &ar):
			f.warnf("the old certificate %s was revoked already", r.OldSerial)
		case err != nil:
			return withHints(fmt.Errorf("the new bundle is written, but revoking the old certificate %s failed: %w", r.OldSerial, err),
				fmt.Sprintf("revoke it with: pgcert ca revoke %s --ca-dir %s --reason superseded", r.OldSerial, shellWord(c.Dir)))
		}
		r.OldRevoked = true
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	r.WriteText(f.IO.Out)
	if r.OldRevoked {
		f.revokedNext(c)
	}
	return r.WriteConnect(f.IO.Out)
}
