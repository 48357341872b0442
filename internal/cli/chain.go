package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// chainOptions are chain's flags: the library's options, --passin and --force.
type chainOptions struct {
	f *Factory
	chain.ServerFileOptions
	PassIn string
	Force  bool
}

func newChainCmd(f *Factory, runF func(*chainOptions) error) *cobra.Command {
	opts := &chainOptions{f: f}
	cmd := &cobra.Command{
		Use:   "chain CERTFILE...",
		Short: "write server.crt: the server's certificate, then its issuers, in the order the server needs",
		Long:  help.Long("chain"), Example: help.Example("chain"),
		Args:              minArgs(1, "at least one CERTFILE"),
		ValidArgsFunction: cmdutil.CertFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return chainRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutFlag(cmd, &opts.Output, "server.crt", "write the chain to `FILE` (- for standard output)", "crt", "pem")
	cmdutil.AddFileFlag(cmd, &opts.Key, "key", "the private key `FILE` of the server: its certificate is the leaf", cmdutil.KeyExts...)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of an encrypted --key or of PKCS#12 inputs: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	cmdutil.AddFileListFlag(cmd, &opts.Roots, "root", "trusted root certificates `FILE` the chain must reach (repeatable)", cmdutil.CertExts...)
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root out of the file")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "write a chain with expired or not yet valid certificates, with a warning")
	cmdutil.AddForceFlag(cmd, &opts.Force)
	return cmd
}

func chainRun(opts *chainOptions) error {
	f := opts.f
	o := opts.ServerFileOptions
	o.JSON, o.Stdout, o.ReadCerts, o.Reporter, o.Now = f.Global.JSON, f.IO.Out, f.ReadCertInputs, reporter{f}, f.Now
	o.Overwrite = func(p ...string) (bool, error) { return f.AllowOverwrite(opts.Force, p...) }
	o.ReadPKI = func(p []string) ([]chain.Input, []*keys.Key, error) {
		return f.ReadPKIInputs(p, "", "--passin", opts.PassIn)
	}
	o.LoadKey = func(p string) (*keys.Key, error) { return f.LoadKey(p, "--passin", opts.PassIn) }
	res, err := chain.WriteServerChain(o)
	if err != nil || res.Written == nil {
		return err
	}
	f.NoteReplacedLink(res.Written)
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, res.Report())
	}
	res.WriteText(f.IO.Out)
	return nil
}
