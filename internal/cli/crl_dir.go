package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

// crlDirOptions are crl dir's flags: the library's options and --force.
type crlDirOptions struct {
	f *Factory
	crl.DirOptions
	Force bool
}

func newCrlDirCmd(f *Factory, runF func(*crlDirOptions) error) *cobra.Command {
	opts := &crlDirOptions{f: f}
	cmd := &cobra.Command{
		Use:   "dir --out DIR [--ca FILE...] CRLFILE...",
		Short: "write an OpenSSL hashed CRL directory for ssl_crl_dir or sslcrldir",
		Long:  help.Long("crl dir"), Example: help.Example("crl dir"),
		Args:              minArgs(1, "at least one CRLFILE"),
		ValidArgsFunction: cmdutil.CrlFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return crlDirRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutDirFlag(cmd, &opts.Out, "the hashed `DIR` to write (created when missing)")
	cmdutil.AddFileListFlag(cmd, &opts.CAs, "ca", "a `FILE` of CA certificates to check the CRLs against; repeat for more", cmdutil.CertExts...)
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "file a CRL that is expired or not yet valid (the server then rejects its CA's certificates)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace differing <hash>.r<N> files and remove stale ones")
	return cmd
}

func crlDirRun(opts *crlDirOptions) error {
	f := opts.f
	o := opts.DirOptions
	o.LockOutput, o.ReadCerts, o.ReadFile = f.LockOutputDataDir, f.ReadCertInputs, f.ReadInput
	o.Overwrite = func(p ...string) (bool, error) { return f.AllowOverwrite(opts.Force, p...) }
	o.Progress, o.Reporter, o.Now = f.IO.StartProgress, reporter{f}, f.Now
	report, written, err := crl.WriteDir(o)
	for _, w := range written {
		f.NoteReplacedLink(w)
	}
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, report)
	}
	report.WriteText(f.IO.Out)
	return nil
}
