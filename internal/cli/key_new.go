package cli

import (
	"crypto"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
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
		Long:  help.Long("key new"), Example: help.Example("key new"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return keyNewRun(cmd, opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "server.key", "write the key to `FILE`", "key", "pem", "der")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the key with a passphrase")
	addEncryptPassOutFlag(cmd, &opts.PassOut)
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing file")
	addKeyFormatFlags(cmd, &opts.Format, "the key")
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
	isRSA := t == keys.TypeRSA || t == keys.TypeRSAPSS
	if cmd.Flags().Changed("bits") && !isRSA {
		return opts, usageErrorf("--bits applies to --type rsa and rsa-pss only")
	}
	if isRSA {
		opts.Bits = bits
	}
	return opts, nil
}

// generateKey makes a key, with a spinner on a terminal for the slow kinds: RSA,
// and at once for RSA 4096, which always takes long (a second on average, several
// at times).
func (f *Factory) generateKey(opts keys.GenerateOptions) (crypto.Signer, error) {
	opts.Rand = f.Rand
	if opts.Type == keys.TypeRSA || opts.Type == keys.TypeRSAPSS {
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
	return r.WriteText(f.IO.Out)
}
