package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

type caIssueIntermediateOptions struct {
	f       *Factory
	CADir   string
	Out     string
	CN      string
	Days    int
	Type    string
	Curve   string
	Bits    int
	PassIn  string
	Encrypt bool
	PassOut string
	Force   bool
}

func newCaIssueIntermediateCmd(f *Factory, runF func(*caIssueIntermediateOptions) error) *cobra.Command {
	opts := &caIssueIntermediateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "intermediate -o NEWDIR --cn NAME",
		Short: "add another intermediate CA under the root of an existing CA, as a CA directory of its own",
		Long:  help.Long("ca issue intermediate"), Example: help.Example("ca issue intermediate"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caIssueIntermediateRun(cmd, opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	cmdutil.AddOutDirFlag(cmd, &opts.Out, "the new CA `DIR`ectory (new or empty)")
	fl.StringVar(&opts.CN, "cn", "", "the new intermediate's Common `NAME` (default: the root's followed by the directory's name)")
	fl.IntVar(&opts.Days, "days", selfsign.DefaultIntermediateCADays, "validity in days (cut to the root's)")
	cmdutil.AddKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the root's key, when encrypted")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the new CA key with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for the new key (implies --encrypt)")
	cmdutil.AddForceCAFlag(cmd, &opts.Force)
	cmd.MarkFlagRequired("out")
	return cmd
}

func caIssueIntermediateRun(cmd *cobra.Command, opts *caIssueIntermediateOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	n, root, err := ca.AddIntermediate(ca.AddIntermediateOptions{Dir: opts.Out, CommonName: opts.CN, Days: opts.Days, Key: gen, Force: opts.Force,
		OpenCA:     func() (*ca.CA, error) { return f.OpenCADir(opts.CADir) },
		Unlock:     func(root *ca.CA) error { return f.UnlockCAs(opts.PassIn, root) },
		Encrypt:    opts.Encrypt || opts.PassOut != "",
		Passphrase: func(keyPath string) ([]byte, error) { return f.NewPassphrase("--passout", opts.PassOut, keyPath) },
		Now:        f.Now, Rand: f.Rand})
	if err != nil {
		return err
	}
	f.WatchCA(n)
	r := n.CreatedReport(root)
	return f.jsonOrText(r, r.WriteText)
}
