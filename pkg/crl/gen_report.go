package crl

import (
	"fmt"
	"io"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// GenReport is what `pgcert crl gen` made: the file written (nil for standard
// output) and a summary per CRL. Its JSON is the command's --json document.
type GenReport struct {
	File *fsutil.FileReport `json:"file"`
	CRLs []Summary          `json:"crls"`
	// CRLNumberFile is the crlnumber file advanced (--index), "" with --ca-dir,
	// whose crlnumber files are the CA directories'.
	CRLNumberFile string `json:"crlnumber_file,omitempty"`
}

// WriteText writes the report for a person: the file written, then a line per
// CRL. A report without a file (the CRLs went to standard output) writes nothing:
// its lines belong on standard error, beside the CRLs, which Summary.String gives.
func (r *GenReport) WriteText(w io.Writer) {
	if r.File == nil {
		return
	}
	fmt.Fprintf(w, "wrote %s:\n", r.File.Path)
	for _, c := range r.CRLs {
		fmt.Fprintf(w, "  %s\n", c)
	}
}
