package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
)

// CADirFor returns the CA directory of a command given --ca-dir (flag) and -D
// (dataDir): ca.DirFor, with the default location of ResolveCADir.
func (f *Factory) CADirFor(flag, dataDir string, newCA bool) (string, error) {
	o := ca.DirForOptions{DataDir: dataDir, NewCA: newCA, Default: func() (string, error) { return f.ResolveCADir("") }}
	if flag != "" {
		dir, err := f.ResolveCADir(flag)
		if err != nil {
			return "", err
		}
		o.Flag = dir
	}
	return ca.DirFor(o)
}

// OpenCAFor opens the CA of --ca-dir, else of -D's record, else of the default
// location (CADirFor).
func (f *Factory) OpenCAFor(flag, dataDir string) (*ca.CA, error) {
	dir, err := f.CADirFor(flag, dataDir, false)
	if err != nil {
		return nil, err
	}
	return f.OpenCA(dir)
}

// AddDataDirCAFlag registers -D for a command that only looks up the CA with it:
// the data directory's record names the CA, so a timer or an admin needs no
// --ca-dir. $PGDATA is never read for it (pgdataCA): a variable left in the
// environment must not choose the CA.
func AddDataDirCAFlag(cmd *cobra.Command, dir *string) {
	AddPgdataFlag(cmd, dir, "use the CA the data `DIR`ectory records (its "+ca.DataDirFile+"), when --ca-dir is not given")
}
