package rotate

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/crl"
)

// WriteText writes the report as `pgcert renew` prints it, in lines for a person
// and a cron mail: what was renewed or refreshed and written, or that nothing was
// due, then what the server said to a reload; a rollback's report says what was
// restored. With quiet a run that changed nothing, the server included, writes
// nothing, so that cron mails only what happened. The report is written in one
// piece, so that a reader of a pipe never sees half of it.
func (r *Report) WriteText(w io.Writer, quiet bool) error {
	var b bytes.Buffer
	if r.Action == ActionRolledBack {
		r.writeRollback(&b)
	} else {
		r.writeRenewal(&b, quiet)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func (r *Report) writeRenewal(b *bytes.Buffer, quiet bool) {
	cert := r.Certificate
	switch r.Action {
	case ActionNothing, ActionReloaded:
		line := fmt.Sprintf("nothing to do: %s expires in %s, renewal at %s",
			filepath.Base(cert.File), plural(cert.DaysLeft, "day", "days"), plural(cert.RenewAtDays, "day", "days"))
		if r.CRL != nil {
			line += fmt.Sprintf("; %s is current (refreshed %d days before its next update)", filepath.Base(r.CRL.File), durationDays(crl.RenewBefore))
		}
		if !quiet || r.Action == ActionReloaded {
			fmt.Fprintln(b, line)
		}
	case ActionRenewed:
		if cert.Renewed {
			fmt.Fprintf(b, "renewed %s: serial %s for %s, until %s (%s)\n", filepath.Base(cert.File), cert.New.Serial, cert.New.SANs, cert.New.NotAfter[:10], cert.Reason)
			if cert.Rekeyed {
				fmt.Fprintln(b, "  with a new key")
			}
		}
		if r.CRL != nil && r.CRL.Refreshed {
			fmt.Fprintf(b, "refreshed %s (%s)\n", filepath.Base(r.CRL.File), strings.Join(r.CRL.Reasons, "; "))
			for _, cr := range r.CRL.CRLs {
				fmt.Fprintf(b, "  CRL %s of %s, %d revoked, next update %s\n", cr.Number, cr.Issuer, cr.Entries, cr.NextUpdate[:10])
			}
		}
		for _, fr := range r.Files {
			if !strings.HasSuffix(fr.Path, PrevSuffix) {
				fmt.Fprintf(b, "  wrote %s (mode %s, owner %s)\n", fr.Path, fr.Mode, fr.Owner)
			}
		}
		if len(r.Previous) > 0 {
			var names []string
			for _, p := range r.Previous {
				names = append(names, filepath.Base(p))
			}
			fmt.Fprintf(b, "  kept the previous files as %s; to put them back: pgcert renew --rollback -D %s\n", strings.Join(names, ", "), shellWord(r.DataDir))
		}
	}
	if rel := r.Reload; rel != nil && !(quiet && r.Action == ActionNothing) {
		fmt.Fprintln(b, rel.Message)
	}
}

func (r *Report) writeRollback(b *bytes.Buffer) {
	var names []string
	for _, p := range r.Restored {
		names = append(names, filepath.Base(p))
	}
	fmt.Fprintf(b, "rolled back: restored %s from their .prev files in %s\n", strings.Join(names, ", "), r.DataDir)
	fmt.Fprintln(b, "  the files replaced are now the .prev ones: a second --rollback undoes this")
	if r.Reload != nil {
		fmt.Fprintln(b, r.Reload.Message)
	}
}
