package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
)

type caListOptions struct {
	f        *Factory
	CADir    string
	Revoked  bool
	Expiring int
	CN       string
}

func newCaListCmd(f *Factory, runF func(*caListOptions) error) *cobra.Command {
	opts := &caListOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list the certificates the local CA issued, with their status",
		Long:  help.Long("ca list"), Example: help.Example("ca list"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caListRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.BoolVar(&opts.Revoked, "revoked", false, "list only revoked certificates")
	fl.IntVar(&opts.Expiring, "expiring", 0, "list only valid certificates expiring within `DAYS` days")
	fl.StringVar(&opts.CN, "cn", "", "list only certificates with a commonName matching the shell `PATTERN`")
	return cmd
}

func caListRun(opts *caListOptions) error {
	f := opts.f
	filter := ca.ListFilter{Revoked: opts.Revoked, CN: opts.CN}
	switch {
	case opts.Expiring < 0:
		return usageErrorf("--expiring takes a number of days, 0 or more, not %d", opts.Expiring)
	case opts.Expiring > 0 && opts.Revoked:
		return usageErrorf("--revoked and --expiring select different certificates: --expiring lists valid ones")
	case filter.Check() != nil:
		return usageErrorf("--cn %q is not a valid pattern: use *, ? and [...] as in the shell", opts.CN)
	}
	now := f.Now()
	if opts.Expiring > 0 {
		filter.ExpiringBy = now.AddDate(0, 0, opts.Expiring)
	}
	c, err := f.openCADir(opts.CADir)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f.IO.Out, 64<<10)
	var out listWriter
	if f.Global.JSON {
		out = &jsonListWriter{w: bw, dir: c.Dir}
	} else {
		out = &tableListWriter{w: bw}
	}
	n := 0
	err = c.ScanListing(now, filter, func(lc *ca.ListedCert) error {
		n++
		return out.add(lc)
	})
	if err != nil {
		return err
	}
	if err := out.close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if n == 0 && !f.Global.JSON {
		if filter != (ca.ListFilter{}) {
			f.infof("no certificate of the CA in %s matches", c.Dir)
		} else {
			f.infof("the CA in %s has issued no certificate yet", c.Dir)
		}
	}
	return nil
}

// listWriter renders the listing one certificate at a time.
type listWriter interface {
	add(lc *ca.ListedCert) error
	close() error
}

// jsonListWriter writes the document writeJSON would write for a ca.Listing, one
// certificate at a time.
type jsonListWriter struct {
	w   *bufio.Writer
	dir string
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func (j *jsonListWriter) add(lc *ca.ListedCert) error {
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

func (j *jsonListWriter) close() error {
	if j.enc == nil {
		return writeJSON(j.w, ca.Listing{CADir: j.dir, Certificates: []ca.ListedCert{}})
	}
	_, err := j.w.WriteString("\n  ]\n}\n")
	return err
}

// listChunk is how many rows tableListWriter aligns at a time.
const listChunk = 4096

// tableListWriter writes the listing as a table a chunk of rows at a time, padding
// each column to the widest value seen so far (a column only grows), so that a
// million rows need neither a million rows in memory nor a write call each.
type tableListWriter struct {
	w      *bufio.Writer
	rows   [][5]string
	widths [4]int
	header bool
}

func (t *tableListWriter) add(lc *ca.ListedCert) error {
	if !t.header {
		t.header = true
		t.rows = append(t.rows, [5]string{"STATUS", "SERIAL", "EXPIRES", "REVOKED", "SUBJECT"})
	}
	revoked := "-"
	if lc.RevokedAt != nil {
		revoked = (*lc.RevokedAt)[:10]
		if *lc.Reason != ca.ReasonNone.String() {
			revoked += " " + *lc.Reason
		}
	}
	t.rows = append(t.rows, [5]string{lc.Status, lc.Serial, lc.Expires[:10], revoked, lc.Subject})
	if len(t.rows) == listChunk {
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

func (t *tableListWriter) close() error { return t.flush() }
