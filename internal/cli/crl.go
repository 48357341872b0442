package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
)

// newCrlCmd is `pgcert crl`, the parent of the revocation list commands.
func newCrlCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "crl",
		Short: "make, merge, file and show certificate revocation lists",
		Long:  help.Long("crl"), Example: help.Example("crl"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCrlGenCmd(f, nil), newCrlMergeCmd(f, nil), newCrlDirCmd(f, nil), newCrlShowCmd(f, nil))
	return cmd
}
