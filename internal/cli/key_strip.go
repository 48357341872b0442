package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
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
		Long: `Decrypt an encrypted private key and write it unencrypted as PKCS#8 PEM, mode 0600
from its first byte — the manual's "openssl rsa -in privkey.pem -out server.key".

The server cannot ask for a passphrase when pg_ctl starts it, so an encrypted
server.key needs ssl_passphrase_command; a stripped key does not. Any key format
openssl writes is read (PKCS#8, PKCS#1, SEC1, legacy "Proc-Type: 4,ENCRYPTED",
PEM or DER, and the key of a PKCS#12 file, .p12 or .pfx, modern or legacy); the
output is always PEM, which the server requires.

OUT defaults to server.key beside IN. Writing over IN itself needs --force and is
still atomic: a crash leaves either the encrypted or the decrypted key.

Exit codes: 0 written, 1 failure (wrong passphrase, unreadable key; nothing
written), 2 bad usage.`,
		Example: `  # instead of: openssl rsa -in privkey.pem -out server.key && rm privkey.pem
  pgcert key strip privkey.pem --remove-input

  # in a script
  pgcert key strip privkey.pem -o /var/lib/postgresql/15/main/server.key --passin file:/root/pass`,
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
	fl.StringVarP(&opts.Output, "out", "o", "", "write the key to `FILE` (default: server.key beside IN)")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of IN: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVar(&opts.RemoveInput, "remove-input", false, "remove IN once the key is written")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	cmd.MarkFlagFilename("out", "key", "pem")
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
