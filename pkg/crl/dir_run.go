package crl

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/notify"
)

// DirOptions say what WriteDir files and where. The funcs are the outside
// world: files, the terminal, locks, the clock.
type DirOptions struct {
	// Files hold the CRLs; Out is the hashed directory, made when missing.
	Files []string
	Out   string
	// CAs, when given, hold the CA certificates every CRL is checked against;
	// without them nothing is checked but the CRLs' dates.
	CAs          []string
	AllowExpired bool

	// Overwrite says whether differing <hash>.r<N> files may be replaced and
	// stale ones removed (nil: never).
	Overwrite func(paths ...string) (bool, error)
	// LockOutput takes the lock of the data directory Out lies in (nil: none).
	LockOutput func(path string) (release func(), err error)
	ReadCerts  func(paths []string, flag string) ([]chain.Input, error)
	ReadFile   func(path string) ([]byte, error)
	// Progress starts a spinner for slow work and returns its stop (nil: none).
	Progress func(label string) (stop func())
	Reporter Reporter
	Now      func() time.Time
}

// WriteDir does what pgcert crl dir does: it checks the CRLs (against CAs when
// given, else only their dates), plans the hashed directory ssl_crl_dir and
// sslcrldir read (PlanDir), asks before replacing or removing files, and
// applies the plan. The files written are returned also with an error, so
// that a replaced link is reported either way.
func WriteDir(o DirOptions) (*DirReport, []*fsutil.Written, error) {
	if o.Out == "" {
		return nil, nil, hint.Usagef("give the directory to write with --out DIR")
	}
	rep := notify.Or(o.Reporter)
	now := nowOr(o.Now)
	dir := o.Out
	if o.LockOutput != nil {
		release, err := o.LockOutput(dir)
		if err != nil {
			return nil, nil, err
		}
		defer release()
	}
	inputs, err := ReadFiles(o.Files, o.ReadFile, o.Progress)
	if err != nil {
		return nil, nil, err
	}
	var lists []*x509.RevocationList
	source := map[*x509.RevocationList]string{}
	if len(o.CAs) > 0 {
		cas, err := o.ReadCerts(o.CAs, "--ca")
		if err != nil {
			return nil, nil, err
		}
		checked, err := CheckCAs(inputs, cas, "--ca", now(), o.AllowExpired)
		if err != nil {
			return nil, nil, err
		}
		lists, source = checked.Merged.CRLs, checked.Source
	} else {
		rep.Infof("without --ca, the CRLs' signatures are not checked, nor whether every CA has one")
		lists, err = Current(inputs, now(), o.AllowExpired)
		var ce *CheckError
		if errors.As(err, &ce) {
			return nil, nil, ce.Explain(nil, "", "make a current CRL with pgcert crl gen, or add --allow-expired to file it all the same")
		} else if err != nil {
			return nil, nil, err
		}
		for _, in := range inputs {
			source[in.CRL] = in.File
		}
	}
	plan, err := PlanDir(dir, lists)
	switch {
	case errors.Is(err, ErrNotDir):
		return nil, nil, hint.Errorf([]string{"give a directory with --out; ssl_crl_dir names a directory"}, "%s is not a directory", dir)
	case err != nil:
		return nil, nil, hint.Input(dir, err)
	}
	if replaced := plan.Replaced(); len(replaced)+len(plan.Stale) > 0 {
		ok := false
		if o.Overwrite != nil {
			if ok, err = o.Overwrite(append(slices.Clone(replaced), plan.Stale...)...); err != nil {
				return nil, nil, err
			}
		}
		if !ok {
			return nil, nil, plan.Refusal()
		}
	}
	if plan.Create {
		if err := makeDir(dir); err != nil {
			return nil, nil, err
		}
		rep.Infof("created %s (mode 0755)", dir)
	}
	return plan.Apply(fsutil.DirOwnerOptions(dir, fsutil.PublicMode, true), source)
}

// makeDir creates dir with mode 0755 (the server and libpq only read it), owned,
// when pgcert runs as root inside a data directory, by the data directory's owner.
func makeDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return hint.Errorf([]string{"create it yourself, or give another --out"}, "creating %s: %v", dir, err)
	}
	// The mode and owner are set through a descriptor opened beneath the parent:
	// in a data directory, its owner could swap the new directory for a link.
	parent := filepath.Dir(filepath.Clean(dir))
	o := fsutil.DirOwnerOptions(parent, 0o755, false)
	if err := fsutil.SetBeneath(parent, filepath.Base(filepath.Clean(dir)), 0o755, o.Chown, o.UID, o.GID); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}
