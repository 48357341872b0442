package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

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
		Long: `Describe a private key: its type and size or curve, how it is stored (PKCS#8,
PKCS#1 or SEC1; PEM or DER), whether and how it is encrypted (scheme, key
derivation, iterations, cipher) and the SHA-256 fingerprint of its public key, which
is the same as the fingerprint "pgcert show" prints for its certificate's key.
No secret material is ever printed.

An encrypted PKCS#8 key hides its type; it is decrypted only to complete the
description when --passin is given or a terminal can ask for the passphrase.

Exit codes: 0 described, 1 unreadable key, 2 bad usage.`,
		Example: `  # instead of: openssl pkey -in server.key -noout -text
  pgcert key show server.key
  pgcert key show privkey.pem --passin env:PGCERT_PASS --json`,
		Args:              exactArgs(1, "the key FILE"),
		ValidArgsFunction: keyFiles,
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
	data, err := f.readInput(opts.File)
	if err != nil {
		return err
	}
	info, err := keys.Inspect(data)
	if err != nil {
		return keyError(opts.File, "--passin", err)
	}
	if info.Algorithm == "" && (opts.PassIn != "" || f.IO.CanPrompt()) {
		k, err := keys.Parse(data, f.existingPassphrase("--passin", opts.PassIn, opts.File))
		if err != nil {
			return keyError(opts.File, "--passin", err)
		}
		info.Algorithm, info.Bits, info.Curve, info.Fingerprint = k.Info.Algorithm, k.Info.Bits, k.Info.Curve, k.Info.Fingerprint
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, struct {
			File string `json:"file"`
			*keys.Info
		}{opts.File, info})
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 0, 1, ' ', 0)
	fmt.Fprintf(tw, "%s\n", opts.File)
	fmt.Fprintf(tw, "  type:\t%s\n", info.Describe())
	fmt.Fprintf(tw, "  format:\t%s, %s\n", info.Container, info.Encoding)
	fmt.Fprintf(tw, "  encrypted:\t%s\n", info.DescribeEncryption())
	fp := info.Fingerprint
	if fp == "" {
		fp = "unknown until decrypted (give --passin)"
	}
	fmt.Fprintf(tw, "  fingerprint:\t%s\n", fp)
	return tw.Flush()
}
