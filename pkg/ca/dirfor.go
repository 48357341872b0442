package ca

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// DirForOptions say which CA directory a command that takes --ca-dir and -D
// works with (DirFor).
type DirForOptions struct {
	// Flag is --ca-dir, absolute, or "" when not given.
	Flag string
	// DataDir is -D, or "" when not given.
	DataDir string
	// NewCA is init's --new-ca: the flag may name another CA than the record's.
	NewCA bool
	// Default returns the default CA directory, absolute; it is called only when
	// neither the flag nor the data directory's record names one, so that a
	// missing $HOME fails only the commands that need it.
	Default func() (string, error)
}

// DirFor returns the CA directory of a command: --ca-dir when given, else the CA
// the data directory records (ForDataDir: followed only to a CA that lists it),
// else the default location. A --ca-dir that names another CA than the data
// directory's record (another directory holding another certificate) is refused,
// naming both, unless NewCA: the data directory's files would otherwise be
// judged, renewed or revoked against the wrong CA. A data directory whose files
// come from a step-ca is refused too, unless NewCA. The errors carry hints.
func DirFor(o DirForOptions) (string, error) {
	byFlag := func() (string, error) {
		if o.Flag != "" {
			return o.Flag, nil
		}
		return o.Default()
	}
	if o.DataDir == "" {
		return byFlag()
	}
	rec, err := ReadDataDirRecord(o.DataDir)
	var nb *NotBoundError
	var sb *StepBoundError
	switch {
	case errors.As(err, &nb):
		return byFlag()
	case errors.As(err, &sb) && !o.NewCA:
		return "", hint.Errorf([]string{
			"its files come from the step-ca: pgcert renew -D " + words.ShellWord(o.DataDir) + " --reload renews them and its CRL; docs/step-ca.md says more",
			"only init's --new-ca flag replaces the data directory's files with another CA's: every client of the old CA then stops working",
		}, "%s; nothing was written", err)
	case err != nil && o.Flag == "":
		return "", hint.With(err, "give the CA directory with --ca-dir DIR; pgcert rewrites the record on the next init or renew")
	}
	if o.Flag != "" {
		if rec == nil || o.NewCA || sameDir(o.Flag, rec.CADir) {
			return o.Flag, nil
		}
		// The same CA in another place (a copied or moved CA directory): its
		// certificate is the recorded one, and the next init or renew records
		// the new place.
		if c, err := Open(o.Flag); err == nil && c.Record().CASHA256 == rec.CASHA256 {
			return o.Flag, nil
		}
		return "", hint.Errorf([]string{
			fmt.Sprintf("leave out --ca-dir to use the data directory's CA: the command finds %s from -D alone", rec.CADir),
			"only init's --new-ca flag replaces the data directory's files with another CA's: every client of the old CA then stops working",
		}, "--ca-dir %s is not the CA directory %s records (%s)", o.Flag, filepath.Join(o.DataDir, DataDirFile), rec.CADir)
	}
	c, err := ForDataDir(o.DataDir)
	var be *BindingError
	if errors.As(err, &be) && be.OwnerWritable {
		// --ca-dir naming it would only take root into the same directory.
		return "", hint.With(err, "run pgcert as the data directory's owner, whose CA it is; the command: pgcert check -D "+words.ShellWord(o.DataDir))
	}
	if err != nil {
		return "", hint.With(err, "give the CA directory with --ca-dir DIR")
	}
	return c.Dir, nil
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
