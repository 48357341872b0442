package cli

import (
	"bytes"
	"fmt"

	"github.com/pgcert/pgcert/pkg/doctor"
)

// expiringRun prints the --expiring list of a check report, and writes it to
// metricsFile as Prometheus metrics when one is given; it fails (exit 1) when
// something has expired, or with --strict is expiring.
func expiringRun(f *Factory, out *doctor.ExpiringReport, metricsFile string) error {
	if metricsFile != "" {
		if err := writeMetricsFile(metricsFile, out.Metrics()); err != nil {
			return err
		}
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, out); err != nil {
			return err
		}
	} else {
		printExpiring(f, out)
	}
	if !out.OK {
		return errProblemsFound
	}
	return nil
}

// printExpiring writes the list as a table, soonest first.
func printExpiring(f *Factory, r *doctor.ExpiringReport) {
	cs := f.IO.OutColors()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%5s  %-10s  %-11s  %-8s  %s\n", "DAYS", "EXPIRES", "KIND", "STATUS", "FILE / NAME")
	for _, it := range r.Items {
		days, expires := "never", "-"
		if it.DaysLeft != nil {
			days, expires = fmt.Sprint(*it.DaysLeft), dateText(*it.Expires)
		}
		name := it.Subject
		if it.Kind == doctor.KindCRL {
			name = "CRL of " + it.Issuer
		}
		status := pad(it.Status, 8)
		switch it.Status {
		case doctor.ExpirySoon:
			status = cs.Yellow(status)
		case doctor.ExpiryExpired:
			status = cs.Red(status)
		default:
			status = cs.Green(status)
		}
		fmt.Fprintf(&b, "%5s  %-10s  %-11s  %s  %s: %s\n", days, expires, it.Kind, status, it.File, name)
	}
	switch {
	case len(r.Items) == 0:
		fmt.Fprintln(&b, "no certificate or CRL found")
	case r.Expired > 0 || r.Expiring > 0:
		fmt.Fprintf(&b, "%d expired, %d expiring within %d days\n", r.Expired, r.Expiring, r.WarnDays)
	}
	f.IO.Out.Write(b.Bytes())
}
