package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/keys"
)

func newKeyCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "make, decrypt, encrypt and describe private keys",
		Long: `Private keys for PostgreSQL servers and clients.

The server reads an unencrypted PEM key without a prompt (an encrypted one needs
ssl_passphrase_command); libpq reads PEM or DER, encrypted ones with sslpassword.
pgcert writes keys as PKCS#8 PEM, mode 0600 from their first byte, and reads
every format openssl has written over the years.

Exit codes: 0 success, 1 failure, 2 bad usage.`,
		Example: `  pgcert key new                       # ECDSA P-256 into server.key
  pgcert key strip privkey.pem --remove-input
  pgcert key show server.key`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKeyNewCmd(f, nil), newKeyStripCmd(f, nil), newKeyEncryptCmd(f, nil), newKeyShowCmd(f, nil))
	return cmd
}

// keyTypeCompletion and curveCompletion list the values of --type and --curve.
var (
	keyTypeCompletion = fixedCompletion(keys.Types()...)
	curveCompletion   = fixedCompletion(keys.Curves()...)
)
