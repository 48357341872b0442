package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

// rootBundleOptions are root's flags: the library's options and --force.
type rootBundleOptions struct {
	f *Factory
	chain.RootsFileOptions
	Force bool
}

func newRootBundleCmd(f *Factory, runF func(*rootBundleOptions) error) *cobra.Command {
	opts := &rootBundleOptions{f: f}
	cmd := &cobra.Command{
		Use:   "root CAFILE...",
		Short: "write root.crt: the CA certificates a client or the server trusts",
		Long:  help.Long("root"), Example: help.Example("root"),
		Args:              minArgs(1, "at least one CAFILE"),
		ValidArgsFunction: cmdutil.CertFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if opts.WarnDays < 0 {
				return hint.Usagef("--warn-days must be 0 or more, not %d", opts.WarnDays)
			}
			if runF != nil {
				return runF(opts)
			}
			return rootBundleRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutFlag(cmd, &opts.Output, "root.crt", "write the bundle to `FILE`", "crt", "pem")
	fl.BoolVar(&opts.AllowLeaf, "allow-leaf", false, "accept a self-signed certificate that is not a CA")
	cmdutil.AddFileFlag(cmd, &opts.CheckChain, "check-chain", "first verify that the certificate `FILE` chains to the bundle", cmdutil.CertExts...)
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates that expire within this many days (0: only expired ones)")
	cmdutil.AddForceFlag(cmd, &opts.Force)
	return cmd
}

func rootBundleRun(opts *rootBundleOptions) error {
	f := opts.f
	o := opts.RootsFileOptions
	o.Overwrite = func(p ...string) (bool, error) { return f.AllowOverwrite(opts.Force, p...) }
	o.ReadCerts, o.Reporter, o.Now = f.ReadCertInputs, reporter{f}, f.Now
	res, err := chain.WriteRoots(o)
	if err != nil {
		return err
	}
	f.NoteReplacedLink(res.Written)
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, res.Report)
	}
	res.WriteText(f.IO.Out)
	return nil
}
