package chain

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
)

// Ref names a certificate in a JSON report without describing it in full: for the
// certificates a command set aside (duplicates, certificates off the path).
type Ref struct {
	Subject string `json:"subject"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
}

// Refs names each input as a Ref, and is never nil, so that JSON says [] for none.
func Refs(ins []Input) []Ref {
	out := make([]Ref, 0, len(ins))
	for _, in := range ins {
		out = append(out, Ref{Subject: Subject(in.Cert), File: in.File, SHA256: Fingerprint(in.Cert)})
	}
	return out
}

// List names certificates as messages do: "CN=a (a.pem); CN=b (b.pem)".
func List(ins []Input) string {
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.String()
	}
	return strings.Join(names, "; ")
}

// MaxListed is how many certificates a message names before it only counts the
// rest: a pile that includes a system trust store would otherwise name a hundred
// and more on one line.
const MaxListed = 10

// ShortList is List, shortened after MaxListed certificates.
func ShortList(ins []Input) string {
	if len(ins) <= MaxListed {
		return List(ins)
	}
	return fmt.Sprintf("%s; and %d more (--json lists them all)", List(ins[:MaxListed]), len(ins)-MaxListed)
}

// maxDuplicatesNamed is how many certificates a summary of many duplicates names: a
// pile of thousands of copies (a trust store pasted in a loop) is one line that
// says how many, and which.
const maxDuplicatesNamed = 3

// DroppedDuplicates says which duplicates were dropped from a chain or a bundle:
// every one while they are few, else their number and the first few distinct
// certificates.
func DroppedDuplicates(dups []Input) string {
	if len(dups) <= MaxListed {
		return fmt.Sprintf("dropped %s: %s", words.Plural(len(dups), "duplicate", "duplicates"), List(dups))
	}
	var first []Input
	seen := map[string]bool{}
	for _, in := range dups {
		key := in.String()
		if !seen[key] && len(first) < maxDuplicatesNamed {
			seen[key] = true
			first = append(first, in)
		}
	}
	return fmt.Sprintf("dropped %s duplicate certificates (first: %s; --json lists them all)", words.Thousands(len(dups)), List(first))
}

// Expiry says when a certificate ends, in the words of a trust bundle's comment
// lines: "expires 2027-06-01" or "expired 2026-01-01".
func (in Input) Expiry(now time.Time) string {
	verb := "expires"
	if !now.Before(in.Cert.NotAfter) {
		verb = "expired"
	}
	return verb + " " + in.Cert.NotAfter.UTC().Format(time.DateOnly)
}

// ErrorText is an error's message without this package's "chain: " prefix, for a
// sentence that names the package nowhere.
func ErrorText(err error) string { return strings.TrimPrefix(err.Error(), "chain: ") }

// WriteText lists the path, one certificate a line with its role and expiry, in
// aligned columns; those from the written-th on are marked as not written.
func (p *Path) WriteText(w io.Writer, written int, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, e := range p.Elements() {
		note := ""
		if i >= written {
			note = ", not written"
		}
		fmt.Fprintf(tw, "  %s\t%s, %s%s\n", e.Role, p.Certs[i], p.Certs[i].Expiry(now), note)
	}
	tw.Flush()
}

// PathReport is the --json document of `pgcert chain` (docs/json.md).
type PathReport struct {
	File          fsutil.FileReport `json:"file"`
	Complete      bool              `json:"complete"`
	RootWritten   bool              `json:"root_written"`
	Certificates  []PathElement     `json:"certificates"`
	MissingIssuer string            `json:"missing_issuer,omitempty"`
	Unrelated     []Ref             `json:"unrelated"`
	Duplicates    []Ref             `json:"duplicates"`
	Warnings      []string          `json:"warnings"`
}

// PathElement is one certificate of the path and whether it was written.
type PathElement struct {
	Element
	Written bool `json:"written"`
}

// Report describes the chain as written to file.
func (s *ServerChain) Report(file fsutil.FileReport) PathReport {
	path, written := s.Path, s.Written()
	r := PathReport{
		File:        file,
		Complete:    path.Complete,
		RootWritten: s.WithRoot,
		Unrelated:   Refs(path.Unrelated),
		Duplicates:  Refs(path.Duplicates),
		Warnings:    make([]string, 0, len(path.Warnings)),
	}
	for _, e := range path.Warnings {
		r.Warnings = append(r.Warnings, ErrorText(e))
	}
	for i, e := range path.Elements() {
		r.Certificates = append(r.Certificates, PathElement{Element: e, Written: i < written})
	}
	if path.Missing != nil {
		r.MissingIssuer = path.Missing.Issuer
	}
	return r
}
