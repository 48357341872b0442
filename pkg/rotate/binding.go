package rotate

import (
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
)

// bind schedules the data directory's record of the CA that renews its files
// (ca.DataDirFile, 0644, owned like the other files) in the change j, so it goes in
// with the files it describes; once j is committed, listed must record the CA's
// side. Nothing is scheduled when both sides are already this CA's.
func (r *renewer) bind(j *journal) bool {
	if r.opts.Remote != nil {
		return r.bindRemote(j)
	}
	dir := r.setup.Dir.Dir
	want := r.c.Record()
	if rec, err := ca.ReadDataDirRecord(dir); err == nil && *rec == want {
		if served, err := r.c.DataDirs(); err == nil && containsDir(served, dir) {
			return false
		}
	}
	j.add(filepath.Join(dir, ca.DataDirFile), want.Marshal(), ownerOptions(dir, fsutil.PublicMode))
	return true
}

// bindAlone records the CA when nothing else is due: a data directory set up before
// pgcert kept the record gets it on its first run, as one journalled change.
func (r *renewer) bindAlone() error {
	j := newJournal(r.setup)
	if !r.bind(j) {
		return nil
	}
	if _, err := j.commit(); err != nil {
		return err
	}
	if err := r.listed(); err != nil {
		return err
	}
	if r.opts.Remote != nil {
		r.opts.info(fmt.Sprintf("recorded the step-ca at %s in %s", r.opts.Remote.Name(), filepath.Join(r.setup.Dir.Dir, ca.DataDirFile)))
		return nil
	}
	r.opts.info(fmt.Sprintf("recorded the CA directory %s in %s", r.c.Dir, filepath.Join(r.setup.Dir.Dir, ca.DataDirFile)))
	return nil
}

// listed records the CA's side once the data directory's record is in: the CA
// lists the data directory (ca.CA.BindDataDir). After the change, so that a failed
// run changes nothing in the CA directory; failing here is only a warning, since
// the files are in: a record the CA does not list yet is not followed, and the next
// run lists it.
func (r *renewer) listed() error {
	if r.opts.Remote != nil {
		return nil
	}
	if err := r.c.BindDataDir(r.setup.Dir.Dir); err != nil {
		r.opts.warn(fmt.Sprintf("%s does not list %s yet, so -D alone does not find the CA (the next pgcert renew with --ca-dir lists it): %v", r.c.Dir, r.setup.Dir.Dir, err))
	}
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
