package cli

import (
	"github.com/spf13/cobra"
)

type keyEncryptOptions struct {
	f       *Factory
	Input   string
	Output  string
	PassIn  string
	PassOut string
	Force   bool
	Format  keyFormatFlags
}

func newKeyEncryptCmd(f *Factory, runF func(*keyEncryptOptions) error) *cobra.Command {
	opts := &keyEncryptOptions{f: f}
	cmd := &cobra.Command{
		Use:   "encrypt IN",
		Short: "add or change the passphrase of a private key",
		Long: `Encrypt a private key with a passphrase, or re-encrypt an encrypted one with a new
passphrase. The key is written as PKCS#8 PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC),
which openssl 3, libpq (sslpassword) and the server (ssl_passphrase_command) read.

--traditional writes OpenSSL's legacy traditional encrypted PEM instead (PKCS#1 or
SEC1 with Proc-Type: 4,ENCRYPTED and DEK-Info: AES-256-CBC), what
openssl pkey -traditional -aes256 writes. It is legacy and exists for one reason: Go's
pgx driver reads no other encrypted key, and fails on PKCS#8 with "tls: failed to
parse private key". Its key derivation is a single MD5 of the passphrase and salt,
so a stolen file is far cheaper to attack: use it only for such a client. libpq and
openssl read it too. --der writes encrypted DER PKCS#8 (openssl pkcs8 -topk8
-outform DER), which the JDBC driver reads as a .pk8 file; libpq and the server
read only PEM keys.

OUT defaults to IN: the key is replaced in place, atomically, which needs --force
(or a yes at the terminal's question).

Exit codes: 0 written, 1 failure (nothing written), 2 bad usage.`,
		Example: `  # instead of: openssl pkcs8 -topk8 -v2 aes-256-cbc -in server.key -out server.key.enc
  pgcert key encrypt server.key -o server.key.enc

  # change the passphrase in place
  pgcert key encrypt client.key --passin env:OLD --passout env:NEW --force

  # for Go's pgx (sslkey + sslpassword), which reads only the legacy form
  pgcert key encrypt postgresql.key --traditional -o pgx.key`,
		Args:              exactArgs(1, "the key file IN"),
		ValidArgsFunction: keyFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if runF != nil {
				return runF(opts)
			}
			return keyEncryptRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "out", "o", "", "write the key to `FILE` (default: IN)")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of IN when it is encrypted")
	fl.StringVar(&opts.PassOut, "passout", "", "new passphrase `SOURCE`: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file (IN itself by default)")
	addKeyFormatFlags(cmd, &opts.Format, "the key")
	cmd.MarkFlagFilename("out", "key", "pem", "der")
	return cmd
}

func keyEncryptRun(opts *keyEncryptOptions) error {
	f := opts.f
	if opts.Output == "" {
		opts.Output = opts.Input
	}
	force, err := f.allowOverwrite(opts.Force, opts.Output)
	if err != nil {
		return err
	}
	if !force && fileExists(opts.Output) {
		if samePath(opts.Input, opts.Output) {
			return failf([]string{"add --force to re-encrypt it in place, or choose another output with -o"}, "%s is both the input and the output", opts.Input)
		}
	}
	format, err := opts.Format.format(true)
	if err != nil {
		return err
	}
	k, err := f.loadKey(opts.Input, "--passin", opts.PassIn)
	if err != nil {
		return err
	}
	pass, err := f.newPassphrase("--passout", opts.PassOut, opts.Output)
	if err != nil {
		return err
	}
	r, err := f.writeKeyAs(opts.Output, k.Signer, pass, format, force)
	if err != nil {
		return err
	}
	return f.reportKeyWritten(r)
}
