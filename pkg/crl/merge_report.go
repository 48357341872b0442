package crl

import (
	"crypto/x509"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
)

// Sourced is a CRL's summary with the file it came from.
type Sourced struct {
	Summary
	Source string `json:"source"`
}

// String is the summary and its file, as a report line.
func (s Sourced) String() string { return fmt.Sprintf("%s (from %s)", s.Summary, s.Source) }

// MergeReport is what `pgcert crl merge` wrote: the file, the CRLs kept, those
// left out for a newer CRL of their CA, and those kept out of date
// (--allow-expired). Its JSON is the command's --json document.
type MergeReport struct {
	File       fsutil.FileReport `json:"file"`
	CRLs       []Sourced         `json:"crls"`
	Superseded []Sourced         `json:"superseded"`
	OutOfDate  []Sourced         `json:"out_of_date"`
}

// NewMergeReport reports the merge Check made; File is the caller's to fill once
// the file is written.
func NewMergeReport(c *Checked) *MergeReport {
	sourced := func(list []*x509.RevocationList) []Sourced {
		out := make([]Sourced, 0, len(list))
		for _, l := range list {
			out = append(out, Sourced{Summary: Summarize(l), Source: c.Source[l]})
		}
		return out
	}
	m := c.Merged
	return &MergeReport{CRLs: sourced(m.CRLs), Superseded: sourced(m.Superseded), OutOfDate: sourced(m.OutOfDate)}
}

// WriteText writes the file written and the CRLs it holds. The CRLs left out are
// not among its lines: they are notes, which go where the program's notes go.
func (r *MergeReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "wrote %s with %s:\n", r.File.Path, words.Plural(len(r.CRLs), "CRL", "CRLs"))
	for _, c := range r.CRLs {
		fmt.Fprintf(w, "  %s\n", c)
	}
}
