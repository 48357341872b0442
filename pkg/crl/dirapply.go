package crl

import (
	"crypto/x509"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// DirReport is what writing a hashed CRL directory did: the --json document of
// `pgcert crl dir`.
type DirReport struct {
	Dir     string          `json:"dir"`
	Created bool            `json:"created"`
	Files   []DirFileReport `json:"files"`
	// Removed lists the stale <hash>.r<N> files removed.
	Removed []string `json:"removed"`
}

// DirFileReport is one file of the directory.
type DirFileReport struct {
	Name string `json:"name"`
	fsutil.FileReport
	// Status is DirWritten, DirReplaced or DirUnchanged.
	Status string `json:"status"`
	Summary
	// Source is the file the CRL came from.
	Source string `json:"source"`
}

// Apply writes the plan's new and changed files in one transaction with the write
// options owner, then removes the stale files, and reports every file of the plan;
// source names the file each CRL came from. The directory must exist (Create is
// the caller's: its mode and owner are a data directory's concern). It returns the
// files written, for a caller that says which replaced a link. A stale file that
// cannot be removed fails with a hint: the new CRLs are in place, but OpenSSL
// would go on reading the old one.
func (p *DirPlan) Apply(owner fsutil.Options, source map[*x509.RevocationList]string) (*DirReport, []*fsutil.Written, error) {
	var txn fsutil.Txn
	for _, f := range p.Files {
		if f.Status != DirUnchanged {
			txn.Add(f.Path, f.Entry.PEM, owner)
		}
	}
	written, err := txn.Commit()
	if err != nil {
		return nil, nil, err
	}
	byPath := map[string]*fsutil.Written{}
	for _, w := range written {
		byPath[w.Path] = w
	}
	report := &DirReport{Dir: p.Dir, Created: p.Create, Removed: []string{}}
	for _, s := range p.Stale {
		if err := fsutil.RemoveFile(s); err != nil {
			return nil, written, hint.With(err, "the new CRLs were written; remove the stale file by hand, or OpenSSL still reads it")
		}
		report.Removed = append(report.Removed, s)
	}
	for _, f := range p.Files {
		fr := fsutil.ReportPath(f.Path)
		if w := byPath[f.Path]; w != nil {
			fr = fsutil.Report(w)
		}
		report.Files = append(report.Files, DirFileReport{
			Name: f.Entry.Name, FileReport: fr, Status: f.Status, Summary: Summarize(f.CRL), Source: source[f.CRL],
		})
	}
	return report, written, nil
}

// WriteText writes the report as `pgcert crl dir` prints it: the directory and how
// many CRLs it holds, a line per file with the CRL it holds and where it came from,
// and the stale files removed.
func (r *DirReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n", r.Dir, words.Plural(len(r.Files), "CRL", "CRLs"))
	for _, f := range r.Files {
		fmt.Fprintf(w, "  %s  %s (from %s)%s\n", f.Name, f.Summary, f.Source, map[string]string{DirReplaced: ", replaced", DirUnchanged: ", unchanged"}[f.Status])
	}
	for _, s := range r.Removed {
		fmt.Fprintf(w, "removed the stale %s\n", s)
	}
}
