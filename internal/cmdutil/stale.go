package cmdutil

import (
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// RemoveRenewLeftovers removes the staging directories a killed pgcert renew left in
// the data directory dir, and the temporary files (.pgcert-tmp-*) any killed write
// left there, each of which may hold a new private key: every command
// that works on a data directory calls it, so that such a key never outlives the
// next run (pg_basebackup would copy it to every replica and backup). A failure is
// not the command's: a user who may not remove them gets its work done anyway, and
// the next run as root or as the data directory's owner removes them.
func RemoveRenewLeftovers(dir string) {
	rotate.RemoveStaleStages(dir)
	_, _ = fsutil.RemoveStale(dir)
}
