package crl

import (
	"io"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/notify"
)

// MergeOptions say what MergeFiles merges and where the result goes. The funcs
// are the outside world: files, the terminal, locks, the clock.
type MergeOptions struct {
	// Files hold the CRLs; CAs the CA certificates every CRL is checked against
	// (each CA needs a CRL, each CRL a CA).
	Files, CAs   []string
	AllowExpired bool
	// Out is the file to write ("" or "-": Stdout); JSON says a report will take
	// standard output, which the CRLs then cannot.
	Out    string
	JSON   bool
	Stdout io.Writer

	// Overwrite says whether an existing Out may be replaced (nil: never).
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

// MergeFiles does what pgcert crl merge does: it checks every CRL against its
// CA (CheckCAs), keeps the newest of each CA, and writes them to one file for
// ssl_crl_file or sslcrl. A CRL kept out of date (AllowExpired) is a warning.
// When the CRLs go to Stdout, the summaries go to the Reporter's Infof, and the
// Written is nil; else the report names the file.
func MergeFiles(o MergeOptions) (*MergeReport, *fsutil.Written, error) {
	if len(o.CAs) == 0 {
		return nil, nil, hint.Usagef("give the CA certificates with --ca FILE (the root.crt bundle, or each CA's certificate): every CRL's signature is checked against its CA, and every CA must have a CRL")
	}
	rep := notify.Or(o.Reporter)
	out, err := ResolveOutput(o.Out, o.JSON, o.Overwrite)
	if err != nil {
		return nil, nil, err
	}
	if o.LockOutput != nil && out.Path != "" {
		release, err := o.LockOutput(out.Path)
		if err != nil {
			return nil, nil, err
		}
		defer release()
	}
	cas, err := o.ReadCerts(o.CAs, "--ca")
	if err != nil {
		return nil, nil, err
	}
	inputs, err := ReadFiles(o.Files, o.ReadFile, o.Progress)
	if err != nil {
		return nil, nil, err
	}
	checked, err := CheckCAs(inputs, cas, "--ca", nowOr(o.Now)(), o.AllowExpired)
	if err != nil {
		return nil, nil, err
	}
	r := NewMergeReport(checked)
	for _, s := range r.OutOfDate {
		rep.Warnf("%s: kept the %s although it is out of date (--allow-expired): the server rejects every certificate of that CA", s.Source, s.Summary)
	}
	pem := checked.Merged.PEM()
	w, err := out.Write(o.Stdout, func(wr io.Writer) error {
		_, err := wr.Write(pem)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if w == nil {
		for _, s := range r.CRLs {
			rep.Infof("%s", s)
		}
		for _, s := range r.Superseded {
			rep.Infof("left out the older %s", s)
		}
		return r, nil, nil
	}
	r.File = fsutil.Report(w)
	return r, w, nil
}

// nowOr returns now, or time.Now when now is nil.
func nowOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
