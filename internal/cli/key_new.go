package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
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
	Format  cmdutil.KeyFormatFlags
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
	cmdutil.AddOutFlag(cmd, &opts.Output, "server.key", "write the key to `FILE`", "key", "pem", "der")
	cmdutil.AddKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the key with a passphrase")
	cmdutil.AddEncryptPassOutFlag(cmd, &opts.PassOut)
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing file")
	cmdutil.AddKeyFormatFlags(cmd, &opts.Format, "the key")
	return cmd
}

// generateOptions turns the key flags shared by several commands into options for
// keys.Generate.
func generateOptions(cmd *cobra.Command, typ, curve string, bits int) (keys.GenerateOptions, error) {
	return keyFlags(cmd, bootstrap.KeyFlags{Type: typ, Curve: curve, Bits: bits}).GenerateOptions()
}

// keyFlags completes kf, the values of --type, --curve and --bits, with whether each
// was given.
func keyFlags(cmd *cobra.Command, kf bootstrap.KeyFlags) bootstrap.KeyFlags {
	changed := cmd.Flags().Changed
	kf.TypeSet, kf.CurveSet, kf.BitsSet = changed("type"), changed("curve"), changed("bits")
	return kf
}

// keyHooks fills the library's hooks from the Factory; passIn and passOut are the
// --passin and --passout sources.
func (f *Factory) keyHooks(passIn, passOut string) bootstrap.KeyHooks {
	return bootstrap.KeyHooks{
		Overwrite:     f.AllowOverwrite,
		LoadKey:       func(path string) (*keys.Key, error) { return f.LoadKey(path, "--passin", passIn) },
		NewPassphrase: func(path string) ([]byte, error) { return f.NewPassphrase("--passout", passOut, path) },
		GenerateKey:   f.GenerateKey,
		WriteKey:      f.WriteKeyAs,
		Reporter:      reporter{f},
		Rand:          f.Rand,
	}
}

func keyNewRun(cmd *cobra.Command, opts *keyNewOptions) error {
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	r, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: opts.f.keyHooks("", opts.PassOut),
		Path: opts.Output, Key: gen, Encrypt: opts.Encrypt || opts.PassOut != "", Force: opts.Force, Format: opts.Format.Format})
	return opts.f.reportKeyWritten(r, err)
}

// reportKeyWritten prints a key written, or the error that kept it from being.
func (f *Factory) reportKeyWritten(r *bootstrap.KeyResult, err error) error {
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}
