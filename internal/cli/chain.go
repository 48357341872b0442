package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

type chainOptions struct {
	f            *Factory
	Inputs       []string
	Output       string
	Key          string
	PassIn       string
	Roots        []string
	NoRoot       bool
	AllowExpired bool
	Force        bool
}

func newChainCmd(f *Factory, runF func(*chainOptions) error) *cobra.Command {
	opts := &chainOptions{f: f}
	cmd := &cobra.Command{
		Use:   "chain CERTFILE...",
		Short: "write server.crt: the server's certificate, then its issuers, in the order the server needs",
		Long:  help.Long("chain"), Example: help.Example("chain"),
		Args:              minArgs(1, "at least one CERTFILE"),
		ValidArgsFunction: certFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return chainRun(opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "server.crt", "write the chain to `FILE` (- for standard output)", "crt", "pem")
	addFileFlag(cmd, &opts.Key, "key", "the private key `FILE` of the server: its certificate is the leaf", keyExts...)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of an encrypted --key or of PKCS#12 inputs: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	addFileListFlag(cmd, &opts.Roots, "root", "trusted root certificates `FILE` the chain must reach (repeatable)", certExts...)
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root out of the file")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "write a chain with expired or not yet valid certificates, with a warning")
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func chainRun(opts *chainOptions) error {
	f := opts.f
	res, err := chain.WriteServerChain(chain.ServerFileOptions{
		Inputs: opts.Inputs, Out: opts.Output, JSON: f.Global.JSON, Stdout: f.IO.Out,
		Key: opts.Key, Roots: opts.Roots, NoRoot: opts.NoRoot, AllowExpired: opts.AllowExpired,
		Overwrite: func(p ...string) (bool, error) { return f.allowOverwrite(opts.Force, p...) },
		ReadPKI: func(p []string) ([]chain.Input, []*keys.Key, error) {
			return f.readPKIInputs(p, "", "--passin", opts.PassIn)
		},
		ReadCerts: f.readCertInputs,
		LoadKey:   func(p string) (*keys.Key, error) { return f.loadKey(p, "--passin", opts.PassIn) },
		Reporter:  reporter{f}, Now: f.Now,
	})
	if err != nil || res.Written == nil {
		return err
	}
	f.noteReplacedLink(res.Written)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, res.Report())
	}
	res.WriteText(f.IO.Out)
	return nil
}
