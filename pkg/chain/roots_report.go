package chain

import (
	"fmt"
	"io"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// CheckBundle verifies the certificate file (its certificates ins) against roots,
// the bundle being built, for the purpose its first certificate says: a bundle
// that would not let the file's chain through is refused before it is written.
func CheckBundle(file string, ins, roots []Input, now time.Time) (*Verdict, error) {
	purpose := PurposeOf(ins[0].Cert)
	v, err := VerifyFile(file, ins, VerifyOptions{Now: now, Roots: roots, Purpose: purpose}, nil)
	if err != nil {
		return nil, err
	}
	if e := v.Err; e != nil {
		return nil, hint.Errorf([]string{e.Fix(purpose), "nothing was written"},
			"%s does not chain to the bundle %s: %s (error %d at depth %d, %s)", file, purpose.Verifier(), e.Reason, int(e.Reason), e.Depth, e.Cert)
	}
	return v, nil
}

// RootsReport is what `pgcert root` wrote: the file, its certificates, the
// duplicates dropped, the warnings, and the chain checked against it (nil
// without one). Its JSON is the command's --json document.
type RootsReport struct {
	File         fsutil.FileReport `json:"file"`
	Certificates []Element         `json:"certificates"`
	Duplicates   []Ref             `json:"duplicates"`
	Warnings     []string          `json:"warnings"`
	CheckChain   *VerdictReport    `json:"check_chain"`

	roots *Roots
	check *Verdict
}

// Report is the report on the bundle written to file, with the verdict of
// CheckBundle when a chain was checked (else nil).
func (r *Roots) Report(file fsutil.FileReport, check *Verdict) *RootsReport {
	rep := &RootsReport{File: file, Duplicates: Refs(r.Duplicates), Warnings: []string{}, roots: r, check: check}
	for _, in := range r.Certs {
		rep.Certificates = append(rep.Certificates, Describe(in, BundleRole(in)))
	}
	for _, e := range r.Warnings {
		rep.Warnings = append(rep.Warnings, RootsWarning(e))
	}
	if check != nil {
		j := check.Report()
		rep.CheckChain = &j
	}
	return rep
}

// WriteText writes the report for a person: the file, a line per certificate
// with its expiry as of now, and the chain checked. The warnings are not among
// its lines: they go where the program's warnings go.
func (r *RootsReport) WriteText(w io.Writer, now time.Time) {
	fmt.Fprintf(w, "wrote %s: %s, mode %s\n", r.File.Path, words.Plural(len(r.roots.Certs), "certificate", "certificates"), r.File.Mode)
	for _, in := range r.roots.Certs {
		fmt.Fprintf(w, "  %s, %s\n", in, in.Expiry(now))
	}
	if v := r.check; v != nil {
		top := v.Chain[len(v.Chain)-1]
		fmt.Fprintf(w, "%s chains to %s, %s\n", v.File, Subject(top.Cert), v.Purpose.Verifier())
	}
}
