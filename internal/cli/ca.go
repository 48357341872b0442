package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
)

// newCaCmd is `pgcert ca`, the parent of the local CA's commands.
func newCaCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ca",
		Short: "run a local certificate authority for servers and client certificates",
		Long:  help.Long("ca"), Example: help.Example("ca"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCaInitCmd(f, nil), newCaIssueCmd(f), newCaSignCmd(f, nil), newCaRevokeCmd(f, nil), newCaListCmd(f, nil), newCaRenewCmd(f))
	return cmd
}
