package cli

import (
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
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
	addCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	addOutDirFlag(cmd, &opts.Out, "the new CA `DIR`ectory (new or empty)")
	fl.StringVar(&opts.CN, "cn", "", "the new intermediate's Common `NAME` (default: the root's followed by the directory's name)")
	fl.IntVar(&opts.Days, "days", selfsign.DefaultIntermediateCADays, "validity in days (cut to the root's)")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the root's key, when encrypted")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the new CA key with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for the new key (implies --encrypt)")
	addForceCAFlag(cmd, &opts.Force)
	cmd.MarkFlagRequired("out")
	return cmd
}

func caIssueIntermediateRun(cmd *cobra.Command, opts *caIssueIntermediateOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if opts.Days <= 0 {
		return usageErrorf("--days %d: give a positive number of days", opts.Days)
	}
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return err
	}
	if err := ca.RefuseInDataDir(out, "", opts.Force); err != nil {
		return err
	}
	if err := ca.RefuseEdDSA(gen.Type, opts.Force); err != nil {
		return err
	}
	c, err := f.openCADir(opts.CADir)
	if err != nil {
		return err
	}
	root := ca.IntermediateRoot(c)
	cn := opts.CN
	if cn == "" {
		cn = root.Cert.Subject.CommonName + " " + filepath.Base(out)
	}
	if err := f.unlockCAs(opts.PassIn, root); err != nil {
		return err
	}
	var pass []byte
	if opts.Encrypt || opts.PassOut != "" {
		if pass, err = f.newPassphrase("--passout", opts.PassOut, filepath.Join(out, ca.KeyFile)); err != nil {
			return err
		}
	}
	gen.Rand = f.Rand
	n, err := ca.CreateIntermediate(root, out, ca.IntermediateOptions{
		CommonName: cn, Days: opts.Days, Key: gen, Passphrase: pass, Encrypt: keys.EncryptOptions{Rand: f.Rand},
		AllowEdDSA: opts.Force, AllowDataDir: opts.Force, Now: f.Now(), Rand: f.Rand,
	})
	if err != nil {
		return ca.IntermediateHint(root, out, err)
	}
	f.watchCA(n)
	r := n.CreatedReport(root)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}
