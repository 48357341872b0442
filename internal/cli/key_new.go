package cli

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

type keyNewOptions struct {
	f       *Factory
	Output  string
	Type    string
	Curve   string
	Bits    int
	Encrypt bool
	PassOut string
	Force   bool
	Format  keyFormatFlags
}

func newKeyNewCmd(f *Factory, runF func(*keyNewOptions) error) *cobra.Command {
	opts := &keyNewOptions{f: f}
	cmd := &cobra.Command{
		Use:   "new",
		Short: "generate a private key",
		Long: `Generate a private key and write it as PKCS#8 PEM, mode 0600 from its first byte.

The default is ECDSA P-256: every PostgreSQL since 9.x and every libpq built with
OpenSSL 1.0.1 or later accept it, and it is generated and used much faster than RSA.
RSA keys are 2048, 3072 or 4096 bits; smaller ones are refused (OpenSSL 3's default
security level refuses them too). With --encrypt the key is written as PKCS#8 PBES2
(PBKDF2-HMAC-SHA256, AES-256-CBC), which openssl, libpq and the server all read; the
server then needs ssl_passphrase_command to start.

--traditional writes the encrypted key in OpenSSL's legacy traditional PEM form
(Proc-Type: 4,ENCRYPTED), as openssl pkey -traditional -aes256 does. It exists for
one reason: Go's pgx driver reads no other encrypted key. Its key derivation is a
single MD5, far cheaper to attack than PBKDF2, so use it only for such a client.
--der writes DER PKCS#8 (encrypted or not), the form of the JDBC driver's .pk8
file; the server and libpq read only PEM.

Exit codes: 0 written, 1 failure (nothing written), 2 bad usage.`,
		Example: `  # instead of: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
  pgcert key new

  # instead of: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -aes256 -out privkey.pem
  pgcert key new --type rsa --bits 3072 --encrypt -o privkey.pem

  # a passphrase for scripts, never on the command line
  PGCERT_PASS=... pgcert key new --encrypt --passout env:PGCERT_PASS -o client.key`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return keyNewRun(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "out", "o", "server.key", "write the key to `FILE`")
	fl.StringVar(&opts.Type, "type", "ec", "key type: ec, rsa or ed25519")
	fl.StringVar(&opts.Curve, "curve", "P-256", "ECDSA curve: P-256 or P-384")
	fl.IntVar(&opts.Bits, "bits", keys.DefaultRSABits, "RSA key size: 2048, 3072 or 4096")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the key with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for --encrypt: pass:TEXT, env:VAR, file:PATH, fd:N or stdin (implies --encrypt)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing file")
	addKeyFormatFlags(cmd, &opts.Format, "the key")
	cmd.MarkFlagFilename("out", "key", "pem", "der")
	cmd.RegisterFlagCompletionFunc("type", keyTypeCompletion)
	cmd.RegisterFlagCompletionFunc("curve", curveCompletion)
	cmd.RegisterFlagCompletionFunc("bits", fixedCompletion("2048", "3072", "4096"))
	return cmd
}

// generateOptions turns the key flags shared by several commands into options for
// keys.Generate, refusing combinations that mean nothing.
func generateOptions(cmd *cobra.Command, typ, curve string, bits int) (keys.GenerateOptions, error) {
	t, err := keys.ParseType(typ)
	if err != nil {
		return keys.GenerateOptions{}, usageErrorf("--type %s: want one of %v", typ, keys.Types())
	}
	opts := keys.GenerateOptions{Type: t}
	if cmd.Flags().Changed("curve") {
		if t != keys.TypeEC {
			return opts, usageErrorf("--curve applies to --type ec only")
		}
	}
	if t == keys.TypeEC {
		c, err := keys.ParseCurve(curve)
		if err != nil {
			return opts, usageErrorf("--curve %s: want one of %v", curve, keys.Curves())
		}
		opts.Curve = c
	}
	if cmd.Flags().Changed("bits") && t != keys.TypeRSA {
		return opts, usageErrorf("--bits applies to --type rsa only")
	}
	if t == keys.TypeRSA {
		opts.Bits = bits
	}
	return opts, nil
}

// generateKey makes a key, with a spinner on a terminal for the slow kinds: RSA,
// and at once for RSA 4096, which always takes long (a second on average, several
// at times).
func (f *Factory) generateKey(opts keys.GenerateOptions) (crypto.Signer, error) {
	opts.Rand = f.Rand
	if opts.Type == keys.TypeRSA {
		start := f.IO.StartProgress
		if opts.Bits >= 4096 {
			start = f.IO.StartSlowProgress
		}
		stop := start(fmt.Sprintf("generating an RSA %d key", opts.Bits))
		defer stop()
	}
	k, err := keys.Generate(opts)
	if err != nil {
		var se *keys.KeySizeError
		if errors.As(err, &se) {
			return nil, &UsageError{Err: err}
		}
		return nil, err
	}
	return k, nil
}

// marshalKey encodes a key for writing: encrypted PKCS#8 with pass, plain otherwise.
func (f *Factory) marshalKey(k crypto.Signer, pass []byte) ([]byte, error) {
	if pass != nil {
		return keys.MarshalEncryptedPKCS8PEM(k, pass, keys.EncryptOptions{Rand: f.Rand})
	}
	return keys.MarshalPKCS8PEM(k)
}

func keyNewRun(cmd *cobra.Command, opts *keyNewOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	force, err := f.allowOverwrite(opts.Force, opts.Output)
	if err != nil {
		return err
	}
	encrypt := opts.Encrypt || opts.PassOut != ""
	format, err := opts.Format.format(encrypt)
	if err != nil {
		return err
	}
	var pass []byte
	if encrypt {
		if pass, err = f.newPassphrase("--passout", opts.PassOut, opts.Output); err != nil {
			return err
		}
	}
	k, err := f.generateKey(gen)
	if err != nil {
		return err
	}
	r, err := f.writeKeyAs(opts.Output, k, pass, format, force)
	if err != nil {
		return err
	}
	return f.reportKeyWritten(r)
}

// writeKey writes k to path as PKCS#8 PEM, encrypted with pass unless pass is nil,
// and describes what was written.
func (f *Factory) writeKey(path string, k crypto.Signer, pass []byte, force bool) (*bootstrap.KeyResult, error) {
	return f.writeKeyAs(path, k, pass, keys.FormatPKCS8PEM, force)
}

func (f *Factory) reportKeyWritten(r *bootstrap.KeyResult) error {
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	enc := "not encrypted"
	if r.Key.Encrypted {
		enc = "encrypted"
	}
	_, err := fmt.Fprintf(f.IO.Out, "wrote %s: %s key, %s, mode %s\n", r.File.Path, r.Key.Describe(), enc, r.File.Mode)
	return err
}
