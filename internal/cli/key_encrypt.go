package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
)

type keyEncryptOptions struct {
	f       *Factory
	Input   string
	Output  string
	PassIn  string
	PassOut string
	Force   bool
	Format  cmdutil.KeyFormatFlags
}

func newKeyEncryptCmd(f *Factory, runF func(*keyEncryptOptions) error) *cobra.Command {
	opts := &keyEncryptOptions{f: f}
	cmd := &cobra.Command{
		Use:   "encrypt IN",
		Short: "add or change the passphrase of a private key",
		Long:  help.Long("key encrypt"), Example: help.Example("key encrypt"),
		Args:              exactArgs(1, "the key file IN"),
		ValidArgsFunction: cmdutil.KeyFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if runF != nil {
				return runF(opts)
			}
			return keyEncryptRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutFlag(cmd, &opts.Output, "", "write the key to `FILE` (default: IN)", "key", "pem", "der")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of IN when it is encrypted")
	fl.StringVar(&opts.PassOut, "passout", "", "new passphrase `SOURCE`: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file (IN itself by default)")
	cmdutil.AddKeyFormatFlags(cmd, &opts.Format, "the key")
	return cmd
}

func keyEncryptRun(opts *keyEncryptOptions) error {
	r, err := bootstrap.EncryptKey(bootstrap.EncryptKeyOptions{KeyHooks: opts.f.keyHooks(opts.PassIn, opts.PassOut),
		Input: opts.Input, Output: opts.Output, Force: opts.Force, Format: opts.Format.Format})
	return opts.f.reportKeyWritten(r, err)
}
