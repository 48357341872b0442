package pgdata

import (
	"os"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
)

// RefuseSpecialFiles refuses a data directory in which a file the server reads at
// start or reload (pg_hba.conf, pg_ident.conf, the SSL files) is a FIFO, a device
// or a socket: reading it would hold the server, and a command that rewrites the
// SSL files or reloads the server must not go on as if the set-up were sound. The
// error (a *hint.Error wrapping *fsutil.NotRegularError) names the first such file.
// A directory where a file is expected is left to the findings of the doctor and
// keyperm, which say what the server will say; so is ssl_crl_dir, a directory.
func (s *Setup) RefuseSpecialFiles() error {
	paths := []string{s.Config.HBAFile(s.Dir.ConfigDir), s.Config.IdentFile(s.Dir.ConfigDir)}
	for _, sf := range s.Files() {
		if sf.Setting != "ssl_crl_dir" {
			paths = append(paths, sf.Path)
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().IsRegular() || fi.IsDir() {
			continue
		}
		return hint.Input(p, &fsutil.NotRegularError{Path: p, Kind: fsutil.KindOf(fi.Mode())})
	}
	return nil
}
