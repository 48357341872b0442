package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/selfsign"
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
			if err := ca.CheckRole(opts.User); err != nil {
				return err
			}
			if err := selfsign.CheckDays(opts.Days, f.Now(), true); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return caRenewClientRun(opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "the database `ROLE` whose certificate is renewed")
	cmdutil.AddOutDirFlag(cmd, &opts.OutDir, "the bundle `DIR`ectory (default: CA_DIR/clients/ROLE)")
	fl.IntVar(&opts.Days, "days", 0, "validity in days (default: that of the current certificate; cut to the CA's)")
	fl.BoolVar(&opts.Rekey, "rekey", false, "make a new key instead of keeping postgresql.key")
	fl.BoolVar(&opts.RevokeOld, "revoke-old", false, "revoke the replaced certificate (reason superseded)")
	cmdutil.AddPK8Flag(cmd, &opts.PK8)
	cmdutil.AddConnHostFlag(cmd, &opts.Host)
	cmdutil.AddCAPassInFlag(cmd, &opts.PassIn)
	cmd.MarkFlagRequired("user")
	return cmd
}

func caRenewClientRun(opts *caRenewClientOptions) error {
	f := opts.f
	bundle := ca.ClientBundleOptions{Host: opts.Host, PK8: opts.PK8, Rand: f.Rand}
	if opts.Step.URL != "" {
		return f.caRenewClientStep(opts, bundle)
	}
	r, err := rotate.RenewClient(rotate.RenewClientOptions{Role: opts.User, Dir: opts.OutDir, Days: opts.Days, Rekey: opts.Rekey, RevokeOld: opts.RevokeOld,
		Bundle: bundle,
		CA:     f.dirSigner(func() (string, error) { return f.ResolveCADir(opts.CADir) }, opts.PassIn),
		Write:  f.bundleWrite(), Owner: cmdutil.InheritedOwner, Generate: f.GenerateKey, Now: f.Now, Rand: f.Rand})
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, r.BundleRenewal)
	}
	r.WriteText(f.IO.Out)
	for _, line := range r.Next {
		f.Infof("%s", line)
	}
	return r.WriteConnect(f.IO.Out)
}
