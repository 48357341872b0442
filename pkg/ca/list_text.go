package ca

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// ListWriter writes a listing one certificate at a time, as ScanListing finds them,
// so that a CA of a million certificates is listed in little memory. Close writes
// what is left and flushes.
type ListWriter interface {
	Add(lc *ListedCert) error
	Close() error
}

// NewListJSON returns a ListWriter that writes the document json.MarshalIndent
// (two-space indents) would write for a Listing of dir: `pgcert ca list --json`.
func NewListJSON(w io.Writer, dir string) ListWriter {
	return &jsonListWriter{w: bufio.NewWriterSize(w, 64<<10), dir: dir}
}

// NewListTable returns a ListWriter that writes the listing as `pgcert ca list`
// prints it: a table with a header, STATUS, SERIAL, EXPIRES, REVOKED and SUBJECT.
func NewListTable(w io.Writer) ListWriter {
	return &tableListWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

type jsonListWriter struct {
	w   *bufio.Writer
	dir string
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func (j *jsonListWriter) Add(lc *ListedCert) error {
	if j.enc == nil {
		dir, err := json.Marshal(j.dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(j.w, "{\n  \"ca_dir\": %s,\n  \"certificates\": [", dir)
		j.enc = json.NewEncoder(&j.buf)
		j.enc.SetIndent("    ", "  ")
	}
	j.buf.Reset()
	if err := j.enc.Encode(lc); err != nil {
		return err
	}
	if j.n > 0 {
		j.w.WriteByte(',')
	}
	j.n++
	j.w.WriteString("\n    ")
	_, err := j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

func (j *jsonListWriter) Close() error {
	if j.enc == nil {
		enc := json.NewEncoder(j.w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(Listing{CADir: j.dir, Certificates: []ListedCert{}}); err != nil {
			return err
		}
	} else if _, err := j.w.WriteString("\n  ]\n}\n"); err != nil {
		return err
	}
	return j.w.Flush()
}

// ListChunk is how many rows the table of NewListTable aligns at a time: its
// columns are as wide as the widest value of the rows so far.
const ListChunk = 4096

// tableListWriter writes the listing as a table a chunk of rows at a time, padding
// each column to the widest value seen so far (a column only grows), so that a
// million rows need neither a million rows in memory nor a write call each.
type tableListWriter struct {
	w      *bufio.Writer
	rows   [][5]string
	widths [4]int
	header bool
}

func (t *tableListWriter) Add(lc *ListedCert) error {
	if !t.header {
		t.header = true
		t.rows = append(t.rows, [5]string{"STATUS", "SERIAL", "EXPIRES", "REVOKED", "SUBJECT"})
	}
	revoked := "-"
	if lc.RevokedAt != nil {
		revoked = (*lc.RevokedAt)[:10]
		if *lc.Reason != ReasonNone.String() {
			revoked += " " + *lc.Reason
		}
	}
	t.rows = append(t.rows, [5]string{lc.Status, lc.Serial, lc.Expires[:10], revoked, lc.Subject})
	if len(t.rows) == ListChunk {
		return t.flush()
	}
	return nil
}

func (t *tableListWriter) flush() error {
	for _, r := range t.rows {
		for i := range t.widths {
			t.widths[i] = max(t.widths[i], len(r[i]))
		}
	}
	for _, r := range t.rows {
		for i, wd := range t.widths {
			t.w.WriteString(r[i])
			for k := len(r[i]); k < wd+2; k++ {
				t.w.WriteByte(' ')
			}
		}
		t.w.WriteString(r[4])
		if err := t.w.WriteByte('\n'); err != nil {
			return err
		}
	}
	t.rows = t.rows[:0]
	return nil
}

func (t *tableListWriter) Close() error {
	if err := t.flush(); err != nil {
		return err
	}
	return t.w.Flush()
}
