package rotate

import (
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
)

// bind records that the data directory's files come from the CA that renews them,
// so that the next run (from a timer, with -D alone) finds it: the CA lists the data
// directory (ca.CA.BindDataDir, first: a CA that lists a data directory whose change
// failed serves nothing it should not), and the data directory's record
// (ca.DataDirFile, 0644, owned like the other files) joins the change j, so it goes
// in with the files it describes. Nothing is scheduled when the record is already
// this CA's.
func (r *renewer) bind(j *journal) (bool, error) {
	dir := r.setup.Dir.Dir
	want := r.c.Record()
	if rec, err := ca.ReadDataDirRecord(dir); err == nil && *rec == want {
		if served, err := r.c.DataDirs(); err == nil && containsDir(served, dir) {
			return false, nil
		}
	}
	if err := r.c.BindDataDir(dir); err != nil {
		return false, err
	}
	j.add(filepath.Join(dir, ca.DataDirFile), want.Marshal(), ownerOptions(dir, fsutil.PublicMode))
	return true, nil
}

// bindAlone records the CA when nothing else is due: a data directory set up before
// pgcert kept the record gets it on its first run, as one journalled change.
func (r *renewer) bindAlone() error {
	j := &journal{dir: r.setup.Dir.Dir}
	scheduled, err := r.bind(j)
	if err != nil || !scheduled {
		return err
	}
	if _, err := j.commit(); err != nil {
		return err
	}
	r.opts.info(fmt.Sprintf("recorded the CA directory %s in %s", r.c.Dir, filepath.Join(r.setup.Dir.Dir, ca.DataDirFile)))
	return nil
}

// containsDir says whether dirs holds dir (absolute, as BindDataDir records it).
func containsDir(dirs []string, dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for _, d := range dirs {
		if d == abs {
			return true
		}
	}
	return false
}
