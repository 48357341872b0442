package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
)

type keyStripOptions struct {
	f           *Factory
	Input       string
	Output      string
	PassIn      string
	RemoveInput bool
	Force       bool
}

func newKeyStripCmd(f *Factory, runF func(*keyStripOptions) error) *cobra.Command {
	opts := &keyStripOptions{f: f}
	cmd := &cobra.Command{
		Use:   "strip IN",
		Short: "decrypt a private key into one the server loads without a passphrase",
		Long:  help.Long("key strip"), Example: help.Example("key strip"),
		Args:              exactArgs(1, "the encrypted key file IN"),
		ValidArgsFunction: cmdutil.KeyFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if runF != nil {
				return runF(opts)
			}
			return keyStripRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutFlag(cmd, &opts.Output, "", "write the key to `FILE` (default: server.key beside IN)", "key", "pem")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of IN: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVar(&opts.RemoveInput, "remove-input", false, "remove IN once the key is written")
	cmdutil.AddForceFlag(cmd, &opts.Force)
	return cmd
}

func keyStripRun(opts *keyStripOptions) error {
	r, err := bootstrap.StripKey(bootstrap.StripKeyOptions{KeyHooks: opts.f.keyHooks(opts.PassIn, ""),
		Input: opts.Input, Output: opts.Output, RemoveInput: opts.RemoveInput, Force: opts.Force})
	return opts.f.reportKeyWritten(r, err)
}
