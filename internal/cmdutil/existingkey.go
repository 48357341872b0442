package cmdutil

import (
	"crypto"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/spf13/cobra"
)

// AddExistingKeyFlags adds --key and --key-passin, for the ca issue commands that
// otherwise make the key they certify; written says what becomes of the key file.
func AddExistingKeyFlags(cmd *cobra.Command, key, passIn *string, written string) {
	fl := cmd.Flags()
	fl.StringVar(key, "key", "", "certify the existing private key in `FILE` (any key pgcert reads, RSA-PSS included) instead of making one; "+written)
	fl.StringVar(passIn, "key-passin", "", "passphrase `SOURCE` of an encrypted --key: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	cmd.MarkFlagFilename("key", "key", "pem", "der")
}

// ExistingKey reads --key FILE, the private key to certify instead of a new one;
// nil when path is empty. --type, --curve and --bits describe a new key, so they
// are refused with it.
func (f *Factory) ExistingKey(cmd *cobra.Command, path, passSpec string) (crypto.Signer, error) {
	if path == "" {
		return nil, nil
	}
	for _, name := range []string{"type", "curve", "bits"} {
		if cmd.Flags().Changed(name) {
			return nil, hint.Usagef("--%s describes a new key, and --key certifies an existing one", name)
		}
	}
	k, err := f.LoadKey(path, "--key-passin", passSpec)
	if err != nil {
		return nil, err
	}
	return k.Signer, nil
}
