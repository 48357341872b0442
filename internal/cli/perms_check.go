package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
)

// newPermsCheckCmd is `pgcert perms check`.
func newPermsCheckCmd(f *Factory, runF func(*permsOptions) error) *cobra.Command {
	return newPermsSubCmd(f, false, runF, &cobra.Command{
		Use:   "check [-D PGDATA | FILE...]",
		Short: "say whether the server (or libpq) will accept the modes and owners of SSL files",
		Long:  help.Long("perms check"), Example: help.Example("perms check"),
	})
}
