package chain

import (
	"crypto"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/notify"
)

// ServerFileOptions say what WriteServerChain orders and where it writes, as
// pgcert chain's flags do. The funcs are the outside world: files,
// passphrases, the terminal, the clock.
type ServerFileOptions struct {
	// Inputs hold the certificates in any order (PEM, DER or PKCS#12).
	Inputs []string
	// Output is the file to write; "-" is Stdout, which a JSON report (one
	// document on standard output) cannot share.
	Output string
	JSON   bool
	Stdout io.Writer
	// Key is the server's private key file, which picks the leaf; without it,
	// the key of a single PKCS#12 input does.
	Key   string
	Roots []string
	// NoRoot and AllowExpired are ServerOptions'.
	NoRoot, AllowExpired bool

	// Overwrite says whether an existing Output may be replaced (nil: never).
	Overwrite func(paths ...string) (bool, error)
	// ReadPKI reads the inputs and the keys of their PKCS#12 files.
	ReadPKI   func(paths []string) ([]Input, []*keys.Key, error)
	ReadCerts func(paths []string, flag string) ([]Input, error)
	LoadKey   func(path string) (*keys.Key, error)
	Reporter  Reporter
	Now       func() time.Time
}

// ServerFile is the server.crt WriteServerChain wrote: the plan, and the
// file (nil when the chain went to standard output).
type ServerFile struct {
	Plan    *ServerChain
	Written *fsutil.Written
	// Now is the time the certificates' expiry is told at.
	Now time.Time
}

// WriteServerChain does what pgcert chain does: it orders the certificates
// into server.crt (PlanServerChain), refuses a path the server or its clients
// would refuse, showing it through the Reporter's Infof, tells the plan's
// notes, and writes the file, or Stdout with the path told through Infof.
func WriteServerChain(o ServerFileOptions) (*ServerFile, error) {
	rep := notify.Or(o.Reporter)
	toStdout := o.Output == "-"
	if toStdout && o.JSON {
		return nil, hint.Usagef("-o - and --json both write to standard output: give an output file with -o")
	}
	force := false
	if !toStdout && o.Overwrite != nil {
		var err error
		if force, err = o.Overwrite(o.Output); err != nil {
			return nil, err
		}
	}
	inputs, p12Keys, err := o.ReadPKI(o.Inputs)
	if err != nil {
		return nil, err
	}
	roots, err := o.ReadCerts(o.Roots, "--root")
	if err != nil {
		return nil, err
	}
	var pub crypto.PublicKey
	if o.Key != "" {
		k, err := o.LoadKey(o.Key)
		if err != nil {
			return nil, err
		}
		pub = k.Signer.Public()
	} else if len(p12Keys) == 1 {
		// A PKCS#12 file holds the leaf's key: it picks the leaf, as --key would.
		pub = p12Keys[0].Signer.Public()
	}
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	plan, err := PlanServerChain(inputs, ServerOptions{Now: now, Key: pub, Roots: roots, AllowExpired: o.AllowExpired, NoRoot: o.NoRoot})
	if err != nil {
		return nil, LeafError(err, o.Key)
	}
	if len(plan.Problems) > 0 {
		rep.Infof("the path pgcert found, not written:")
		tellPath(rep, plan.Path, len(plan.Certs), now)
		return nil, plan.Refusal()
	}
	for _, n := range plan.Notes() {
		if n.Warning {
			rep.Warnf("%s", n.Text)
		} else {
			rep.Infof("%s", n.Text)
		}
	}
	data := plan.PEM()
	res := &ServerFile{Plan: plan, Now: now}
	if toStdout {
		if _, err := o.Stdout.Write(data); err != nil {
			return nil, err
		}
		rep.Infof("wrote %s to standard output", words.Plural(plan.Written(), "certificate", "certificates"))
		tellPath(rep, plan.Path, plan.Written(), now)
		return res, nil
	}
	res.Written, err = fsutil.WriteFile(o.Output, data, fsutil.DirOwnerOptions(filepath.Dir(o.Output), fsutil.PublicMode, force))
	if err != nil {
		return nil, err
	}
	return res, nil
}

// tellPath gives the first written certificates of path to rep's Infof, the
// way Path.WriteText lays them out.
func tellPath(rep Reporter, path *Path, written int, now time.Time) {
	var b strings.Builder
	path.WriteText(&b, written, now)
	if b.Len() > 0 {
		rep.Infof("%s", strings.TrimSuffix(b.String(), "\n"))
	}
}

// Report is the --json document of the file written.
func (s *ServerFile) Report() PathReport {
	return s.Plan.Report(fsutil.Report(s.Written))
}

// WriteText says what was written, for a person: the file, its mode, and the
// certificates in it.
func (s *ServerFile) WriteText(w io.Writer) {
	fmt.Fprintf(w, "wrote %s: %s, mode %04o\n", s.Written.Path, words.Plural(s.Plan.Written(), "certificate", "certificates"), s.Written.Mode)
	s.Plan.Path.WriteText(w, s.Plan.Written(), s.Now)
}
