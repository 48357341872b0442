package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

type keyShowOptions struct {
	f      *Factory
	File   string
	PassIn string
}

func newKeyShowCmd(f *Factory, runF func(*keyShowOptions) error) *cobra.Command {
	opts := &keyShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "describe a private key without revealing it",
		Long:  help.Long("key show"), Example: help.Example("key show"),
		Args:              exactArgs(1, "the key FILE"),
		ValidArgsFunction: cmdutil.KeyFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return keyShowRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` to learn the type of an encrypted PKCS#8 key")
	return cmd
}

func keyShowRun(opts *keyShowOptions) error {
	f := opts.f
	data, err := f.ReadInput(opts.File)
	if err != nil {
		return err
	}
	var pass keys.PassphraseFunc
	if opts.PassIn != "" || f.IO.CanPrompt() {
		pass = f.ExistingPassphrase("--passin", opts.PassIn, opts.File)
	}
	d, err := bootstrap.DescribeKeyFile(opts.File, data, pass)
	if err != nil {
		return cmdutil.KeyError(opts.File, "--passin", err)
	}
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, d)
	}
	return d.WriteText(f.IO.Out)
}
