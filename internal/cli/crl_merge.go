package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

// crlMergeOptions are crl merge's flags: the library's options and --force.
type crlMergeOptions struct {
	f *Factory
	crl.MergeOptions
	Force bool
}

func newCrlMergeCmd(f *Factory, runF func(*crlMergeOptions) error) *cobra.Command {
	opts := &crlMergeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "merge --ca FILE... [-o FILE] CRLFILE...",
		Short: "put one current CRL per CA into one file for ssl_crl_file or sslcrl",
		Long:  help.Long("crl merge"), Example: help.Example("crl merge"),
		Args:              minArgs(1, "at least one CRLFILE"),
		ValidArgsFunction: cmdutil.CrlFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return crlMergeRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddFileListFlag(cmd, &opts.CAs, "ca", "a `FILE` of CA certificates (a root.crt bundle, or one CA); repeat for more", cmdutil.CertExts...)
	cmdutil.AddOutFlag(cmd, &opts.Out, "", "write the merged CRLs to `FILE` (default: standard output)", "crl", "pem")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "keep a CRL that is expired or not yet valid (the server then rejects its CA's certificates)")
	cmdutil.AddForceFlag(cmd, &opts.Force)
	return cmd
}

func crlMergeRun(opts *crlMergeOptions) error {
	f := opts.f
	o := opts.MergeOptions
	o.JSON, o.Stdout, o.LockOutput, o.ReadCerts, o.ReadFile = f.Global.JSON, f.IO.Out, f.LockOutputDataDir, f.ReadCertInputs, f.ReadInput
	o.Overwrite = func(p ...string) (bool, error) { return f.AllowOverwrite(opts.Force, p...) }
	o.Progress, o.Reporter, o.Now = f.IO.StartProgress, reporter{f}, f.Now
	rep, w, err := crl.MergeFiles(o)
	if err != nil || w == nil {
		return err
	}
	f.NoteReplacedLink(w)
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, rep)
	}
	rep.WriteText(f.IO.Out)
	for _, r := range rep.Superseded {
		f.Infof("left out the older %s", r)
	}
	return nil
}
