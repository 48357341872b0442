package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
)

// newPermsFixCmd is `pgcert perms fix`.
func newPermsFixCmd(f *Factory, runF func(*permsOptions) error) *cobra.Command {
	return newPermsSubCmd(f, true, runF, &cobra.Command{
		Use:   "fix [-D PGDATA | FILE...]",
		Short: "make the modes and owners of SSL files pass PostgreSQL's rules, with the smallest change",
		Long:  help.Long("perms fix"), Example: help.Example("perms fix"),
	})
}
