package doctor

import (
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// PermFiles is what keyperm.Perms needs of the data directory s: its SSL files
// (PermTargets), its owner, and the messages of what in its configuration the
// server could not read, which keep `pgcert perms fix` from changing anything.
func PermFiles(s *pgdata.Setup) *keyperm.DataDirFiles {
	dd := &keyperm.DataDirFiles{Dir: s.Dir.Dir, ConfigFile: s.Dir.ConfigFile, Owner: s.DBUser,
		Targets: PermTargets(s), RefuseSpecialFiles: s.RefuseSpecialFiles}
	for _, e := range s.ConfErrs {
		dd.ConfErrs = append(dd.ConfErrs, e.Message)
	}
	return dd
}
