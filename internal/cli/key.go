package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
)

func newKeyCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "make, decrypt, encrypt and describe private keys",
		Long:  help.Long("key"), Example: help.Example("key"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKeyNewCmd(f, nil), newKeyStripCmd(f, nil), newKeyEncryptCmd(f, nil), newKeyShowCmd(f, nil))
	return cmd
}
