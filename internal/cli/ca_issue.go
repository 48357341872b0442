package cli

import (
	"crypto"
	"io"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// newCaIssueCmd is `pgcert ca issue`, the parent of server and client.
func newCaIssueCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "issue",
		Short: "make a key and a certificate signed by the local CA",
		Long:  help.Long("ca issue"), Example: help.Example("ca issue"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCaIssueServerCmd(f, nil), newCaIssueClientCmd(f, nil), newCaIssueIntermediateCmd(f, nil))
	return cmd
}

type caIssueServerOptions struct {
	f      *Factory
	CADir  string
	Hosts  []string
	Prefix string
	Days   int
	Type   string
	Curve  string
	Bits   int
	PassIn string
	NoRoot bool
	Force  bool
	// Key and KeyPassIn are --key and --key-passin: an existing key to certify.
	Key, KeyPassIn string

	// DataDir is -D: the data directory whose recorded CA signs.
	DataDir string
	// Step names a step-ca that signs instead (else the one -D records).
	Step stepFlags
}

func newCaIssueServerCmd(f *Factory, runF func(*caIssueServerOptions) error) *cobra.Command {
	opts := &caIssueServerOptions{f: f}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "issue a server key and certificate for the given host names",
		Long:  help.Long("ca issue server"), Example: help.Example("ca issue server"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caIssueServerRun(cmd, opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	cmdutil.AddDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	cmdutil.AddServerHostsFlag(cmd, &opts.Hosts)
	fl.StringVarP(&opts.Prefix, "out", "o", "server", "write `PREFIX`.crt and PREFIX.key")
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "validity in days (cut to the CA's)")
	cmdutil.AddKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	cmdutil.AddCAPassInFlag(cmd, &opts.PassIn)
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root CA out of PREFIX.crt")
	cmdutil.AddForceFilesFlag(cmd, &opts.Force)
	cmdutil.AddExistingKeyFlags(cmd, &opts.Key, &opts.KeyPassIn, "PREFIX.key is not written")
	return cmd
}

func caIssueServerRun(cmd *cobra.Command, opts *caIssueServerOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = f.defaultHosts()
	}
	r, err := ca.IssueServer(ca.IssueServerOptions{Hosts: hosts, CertPath: opts.Prefix + ".crt", KeyPath: opts.Prefix + ".key",
		Days: opts.Days, NoRoot: opts.NoRoot,
		Existing:    func() (crypto.Signer, error) { return f.ExistingKey(cmd, opts.Key, opts.KeyPassIn) },
		Overwrite:   func(paths []string) (bool, error) { return f.AllowOverwrite(opts.Force, paths...) },
		Signer:      func() (ca.Signer, error) { return f.signerFor(opts.Step, opts.CADir, opts.DataDir, opts.PassIn) },
		GenerateKey: func() (crypto.Signer, error) { return f.GenerateKey(gen) },
		Reporter:    reporter{f}, Now: f.Now, Rand: f.Rand})
	if err != nil {
		return err
	}
	return f.jsonOrText(r.IssuedFiles, r.WriteText)
}

// jsonOrText writes v as the --json document, else as text writes it.
func (f *Factory) jsonOrText(v any, text func(io.Writer) error) error {
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, v)
	}
	return text(f.IO.Out)
}
