package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// renewReport is the --json document of `pgcert renew` (README, "JSON: pgcert
// renew"): pkg/rotate's report.
type renewReport = rotate.Report

// printRenew writes the report of a renewal: JSON, or lines for a person (and a cron
// mail).
func printRenew(f *Factory, rep *renewReport) error {
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	var b bytes.Buffer
	cert := rep.Certificate
	switch rep.Action {
	case rotate.ActionNothing, rotate.ActionReloaded:
		line := fmt.Sprintf("nothing to do: %s expires in %s, renewal at %s",
			filepath.Base(cert.File), plural(cert.DaysLeft, "day", "days"), plural(cert.RenewAtDays, "day", "days"))
		if rep.CRL != nil {
			line += fmt.Sprintf("; %s is current (refreshed %d days before its next update)", filepath.Base(rep.CRL.File), durationDays(crl.RenewBefore))
		}
		if !f.Global.Quiet || rep.Action == rotate.ActionReloaded {
			fmt.Fprintln(&b, line)
		}
	case rotate.ActionRenewed:
		if cert.Renewed {
			fmt.Fprintf(&b, "renewed %s: serial %s for %s, until %s (%s)\n", filepath.Base(cert.File), cert.New.Serial, cert.New.SANs, cert.New.NotAfter[:10], cert.Reason)
			if cert.Rekeyed {
				fmt.Fprintln(&b, "  with a new key")
			}
		}
		if rep.CRL != nil && rep.CRL.Refreshed {
			fmt.Fprintf(&b, "refreshed %s (%s)\n", filepath.Base(rep.CRL.File), strings.Join(rep.CRL.Reasons, "; "))
			for _, cr := range rep.CRL.CRLs {
				fmt.Fprintf(&b, "  CRL %s of %s, %d revoked, next update %s\n", cr.Number, cr.Issuer, cr.Entries, cr.NextUpdate[:10])
			}
		}
		for _, fr := range rep.Files {
			if !strings.HasSuffix(fr.Path, rotate.PrevSuffix) {
				fmt.Fprintf(&b, "  wrote %s (mode %s, owner %s)\n", fr.Path, fr.Mode, fr.Owner)
			}
		}
		if len(rep.Previous) > 0 {
			var names []string
			for _, p := range rep.Previous {
				names = append(names, filepath.Base(p))
			}
			fmt.Fprintf(&b, "  kept the previous files as %s (pgcert renew --rollback -D %s puts them back)\n", strings.Join(names, ", "), shellWord(rep.DataDir))
		}
	}
	// With --quiet a run that changed nothing, the server included, prints nothing:
	// cron mails only what happened.
	if rel := rep.Reload; rel != nil && !(f.Global.Quiet && rep.Action == rotate.ActionNothing) {
		fmt.Fprintln(&b, rel.Message)
	}
	_, err := f.IO.Out.Write(b.Bytes())
	return err
}

// printRollback writes the report of a rollback.
func printRollback(f *Factory, rep *renewReport) error {
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	var names []string
	for _, p := range rep.Restored {
		names = append(names, filepath.Base(p))
	}
	fmt.Fprintf(f.IO.Out, "rolled back: restored %s from their .prev files in %s\n", strings.Join(names, ", "), rep.DataDir)
	fmt.Fprintln(f.IO.Out, "  the files replaced are now the .prev ones: a second --rollback undoes this")
	if rep.Reload != nil {
		fmt.Fprintln(f.IO.Out, rep.Reload.Message)
	}
	return nil
}
