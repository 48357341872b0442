package chain

import (
	"io"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/notify"
)

// RootsFileOptions say what WriteRoots bundles and where, as pgcert root's
// flags do. The funcs are the outside world: files, the terminal, the clock.
type RootsFileOptions struct {
	// Inputs hold the CA certificates; Output is the bundle to write.
	Inputs []string
	Output string
	// AllowLeaf is RootsOptions'.
	AllowLeaf bool
	// CheckChain, when set, is a certificate file verified against the bundle
	// first, so that a bundle that would not trust it is seen before use.
	CheckChain string
	// WarnDays is how many days before its expiry a certificate draws a
	// warning; 0 warns only of expired ones.
	WarnDays int

	// Overwrite says whether an existing Output may be replaced (nil: never).
	Overwrite func(paths ...string) (bool, error)
	ReadCerts func(paths []string, flag string) ([]Input, error)
	Reporter  Reporter
	Now       func() time.Time
}

// RootsFile is the bundle WriteRoots wrote: its --json report and the file.
type RootsFile struct {
	Report  *RootsReport
	Written *fsutil.Written
	// Now is the time the certificates' expiry is told at.
	Now time.Time
}

// WriteRoots does what pgcert root does: it builds the trust bundle
// (BuildRoots), verifies CheckChain against it, warns of certificates expired
// or expiring within WarnDays, tells the duplicates dropped, and writes the
// file, mode 0644 since only the server and libpq read it.
func WriteRoots(o RootsFileOptions) (*RootsFile, error) {
	rep := notify.Or(o.Reporter)
	force := false
	if o.Overwrite != nil {
		var err error
		if force, err = o.Overwrite(o.Output); err != nil {
			return nil, err
		}
	}
	inputs, err := o.ReadCerts(o.Inputs, "")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	// RootsOptions reads a zero window as its default; a nanosecond is "expired only".
	window := max(time.Duration(o.WarnDays)*24*time.Hour, time.Nanosecond)
	roots, err := BuildRoots(inputs, RootsOptions{Now: now, AllowLeaf: o.AllowLeaf, ExpiryWarning: window})
	if err != nil {
		return nil, RootsError(err, o.AllowLeaf)
	}
	var check *Verdict
	if o.CheckChain != "" {
		ins, err := o.ReadCerts([]string{o.CheckChain}, "--check-chain")
		if err != nil {
			return nil, err
		}
		if check, err = CheckBundle(o.CheckChain, ins, roots.Certs, now); err != nil {
			return nil, err
		}
	}
	for _, w := range roots.Warnings {
		rep.Warnf("%s", RootsWarning(w))
	}
	if len(roots.Duplicates) > 0 {
		rep.Infof("%s", DroppedDuplicates(roots.Duplicates))
	}
	w, err := fsutil.WriteFile(o.Output, roots.PEM(), fsutil.DirOwnerOptions(filepath.Dir(o.Output), fsutil.PublicMode, force))
	if err != nil {
		return nil, err
	}
	return &RootsFile{Report: roots.Report(fsutil.Report(w), check), Written: w, Now: now}, nil
}

// WriteText says what was written, for a person: the file, its mode, and each
// certificate with its expiry.
func (r *RootsFile) WriteText(w io.Writer) { r.Report.WriteText(w, r.Now) }
