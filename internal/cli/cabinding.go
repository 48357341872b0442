package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
)

// caDirFor returns the CA directory of a command given --ca-dir (flag) and -D
// (dataDir): the flag when given, else the CA the data directory records
// (ca.ForDataDir: followed only to a CA that lists it), else the default location.
// A flag that names another CA than the data directory's record (another directory
// holding another certificate) is refused, naming both, unless newCA (init
// --new-ca): the data directory's files would otherwise be judged, renewed or
// revoked against the wrong CA.
func (f *Factory) caDirFor(flag, dataDir string, newCA bool) (string, error) {
	if dataDir == "" {
		return f.resolveCADir(flag)
	}
	rec, err := ca.ReadDataDirRecord(dataDir)
	var nb *ca.NotBoundError
	var sb *ca.StepBoundError
	switch {
	case errors.As(err, &nb):
		return f.resolveCADir(flag)
	case errors.As(err, &sb) && !newCA:
		return "", failf([]string{
			"its files come from the step-ca: pgcert renew -D " + shellWord(dataDir) + " --reload renews them and its CRL; docs/step-ca.md says more",
			"only init's --new-ca flag replaces the data directory's files with another CA's: every client of the old CA then stops working",
		}, "%s; nothing was written", err)
	case err != nil && flag == "":
		return "", withHints(err, "give the CA directory with --ca-dir DIR; pgcert rewrites the record on the next init or renew")
	}
	if flag != "" {
		dir, err := f.resolveCADir(flag)
		if err != nil {
			return "", err
		}
		if rec == nil || newCA || sameDir(dir, rec.CADir) {
			return dir, nil
		}
		// The same CA in another place (a copied or moved CA directory): its
		// certificate is the recorded one, and the next init or renew records
		// the new place.
		if c, err := ca.Open(dir); err == nil && c.Record().CASHA256 == rec.CASHA256 {
			return dir, nil
		}
		return "", failf([]string{
			fmt.Sprintf("leave out --ca-dir to use the data directory's CA: the command finds %s from -D alone", rec.CADir),
			"only init's --new-ca flag replaces the data directory's files with another CA's: every client of the old CA then stops working",
		}, "--ca-dir %s is not the CA directory %s records (%s)", dir, filepath.Join(dataDir, ca.DataDirFile), rec.CADir)
	}
	c, err := ca.ForDataDir(dataDir)
	if err != nil {
		return "", withHints(err, "give the CA directory with --ca-dir DIR")
	}
	return c.Dir, nil
}

// openCAFor opens the CA of --ca-dir, else of -D's record, else of the default
// location (caDirFor).
func (f *Factory) openCAFor(flag, dataDir string) (*ca.CA, error) {
	dir, err := f.caDirFor(flag, dataDir, false)
	if err != nil {
		return nil, err
	}
	return f.openCA(dir)
}

// addDataDirCAFlag registers -D for a command that only looks up the CA with it:
// the data directory's record names the CA, so a timer or an admin needs no
// --ca-dir. $PGDATA is never read for it (pgdataCA): a variable left in the
// environment must not choose the CA.
func addDataDirCAFlag(cmd *cobra.Command, dir *string) {
	addPgdataFlag(cmd, dir, "use the CA the data `DIR`ectory records (its "+ca.DataDirFile+"), when --ca-dir is not given")
}

// sameDir says whether a and b are the same directory: the same path once cleaned,
// or the same directory through links.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}
