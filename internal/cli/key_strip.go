package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
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
		ValidArgsFunction: keyFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if runF != nil {
				return runF(opts)
			}
			return keyStripRun(opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "", "write the key to `FILE` (default: server.key beside IN)", "key", "pem")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of IN: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVar(&opts.RemoveInput, "remove-input", false, "remove IN once the key is written")
	addForceFlag(cmd, &opts.Force)
	return cmd
}

// samePath reports whether a and b name the same file, through symbolic links.
func samePath(a, b string) bool {
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(ai, bi)
	}
	aa, _ := filepath.Abs(a)
	ba, _ := filepath.Abs(b)
	return aa == ba
}

func keyStripRun(opts *keyStripOptions) error {
	f := opts.f
	if opts.Output == "" {
		opts.Output = filepath.Join(filepath.Dir(opts.Input), "server.key")
	}
	inPlace := samePath(opts.Input, opts.Output)
	if inPlace && !opts.Force {
		return failf([]string{"add --force to decrypt it in place, or choose another output with -o"}, "%s is both the input and the output", opts.Input)
	}
	force, err := f.allowOverwrite(opts.Force, opts.Output)
	if err != nil {
		return err
	}
	k, err := f.loadKey(opts.Input, "--passin", opts.PassIn)
	if err != nil {
		return err
	}
	if !k.Info.Encrypted {
		f.warnf("%s is not encrypted; writing it as PKCS#8 PEM all the same", opts.Input)
	}
	r, err := f.writeKey(opts.Output, k.Signer, nil, force)
	if err != nil {
		return err
	}
	if opts.RemoveInput && !inPlace {
		if err := os.Remove(opts.Input); err != nil {
			return withHints(err, "the decrypted key was written; remove the encrypted one by hand")
		}
		f.infof("removed %s", opts.Input)
	}
	return f.reportKeyWritten(r)
}
