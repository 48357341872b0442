package cli

import (
	"bytes"
	"fmt"
	"sort"
	"time"
)

// The states of an expiring item.
const (
	expiryOK        = "ok"
	expirySoon      = "expiring"
	expiryExpired   = "expired"
	kindCertificate = "certificate"
	kindCRL         = "crl"
)

// expiringItem is one certificate or CRL in `pgcert check --expiring`.
type expiringItem struct {
	// Kind is "certificate" or "crl".
	Kind string `json:"kind"`
	// Setting names the file (ssl_cert_file, ssl_ca_file, ssl_crl_file,
	// ssl_crl_dir); File is the file as the setting spells it (for ssl_crl_dir, the
	// entry inside it), Path the file the setting names.
	Setting string `json:"setting"`
	File    string `json:"file"`
	Path    string `json:"path"`
	// Subject and Serial identify a certificate; Issuer both; Number a CRL.
	Subject string `json:"subject,omitempty"`
	Issuer  string `json:"issuer"`
	Serial  string `json:"serial,omitempty"`
	Number  string `json:"number,omitempty"`
	// Expires is a certificate's notAfter or a CRL's nextUpdate; DaysLeft the whole
	// days until then (negative once past). Both are null for a CRL without a next
	// update, which OpenSSL takes as current for ever.
	Expires  *time.Time `json:"expires"`
	DaysLeft *int       `json:"days_left"`
	// Status is ok, expiring (within --warn-days) or expired.
	Status string `json:"status"`
}

// expiringReport is the --json document of `pgcert check --expiring`.
type expiringReport struct {
	DataDirectory string    `json:"data_directory"`
	CheckedAt     time.Time `json:"checked_at"`
	WarnDays      int       `json:"warn_days"`
	Strict        bool      `json:"strict"`
	OK            bool      `json:"ok"`
	Expired       int       `json:"expired"`
	Expiring      int       `json:"expiring"`
	// MinDaysLeft is the smallest DaysLeft of the items, null when none has one.
	MinDaysLeft *int           `json:"min_days_left"`
	Items       []expiringItem `json:"items"`
}

// expiringReportOf lists the certificates and CRLs a check report found, soonest
// first (those that never expire last).
func expiringReportOf(rep *checkReport, now time.Time, window time.Duration) *expiringReport {
	out := &expiringReport{
		DataDirectory: rep.DataDirectory, CheckedAt: rep.CheckedAt, WarnDays: rep.WarnDays, Strict: rep.Strict,
		Items: []expiringItem{},
	}
	add := func(it expiringItem, expires time.Time) {
		it.Status = expiryOK
		if !expires.IsZero() {
			e, d := expires.UTC(), daysLeft(expires, now)
			it.Expires, it.DaysLeft = &e, &d
			switch {
			case !now.Before(expires):
				it.Status = expiryExpired
				out.Expired++
			case expires.Sub(now) <= window:
				it.Status = expirySoon
				out.Expiring++
			}
			if out.MinDaysLeft == nil || d < *out.MinDaysLeft {
				out.MinDaysLeft = &d
			}
		}
		out.Items = append(out.Items, it)
	}
	for _, g := range rep.Files {
		if !sslSettings[g.Setting] {
			continue
		}
		for _, c := range g.Certificates {
			add(expiringItem{Kind: kindCertificate, Setting: g.Setting, File: g.Name, Path: g.Path, Subject: c.Subject, Issuer: c.Issuer, Serial: c.Serial}, c.NotAfter)
		}
		for _, c := range g.CRLs {
			file := g.Name
			if g.Setting == "ssl_crl_dir" && c.File != "" {
				file = c.File
			}
			add(expiringItem{Kind: kindCRL, Setting: g.Setting, File: file, Path: g.Path, Issuer: c.Issuer, Number: c.Number}, c.NextUpdate)
		}
	}
	sort.SliceStable(out.Items, func(i, j int) bool {
		a, b := out.Items[i].Expires, out.Items[j].Expires
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return a.Before(*b)
	})
	out.OK = out.Expired == 0 && (!out.Strict || out.Expiring == 0)
	return out
}

// expiringRun prints the --expiring list of a check report; it fails (exit 1) when
// something has expired, or with --strict is expiring.
func expiringRun(opts *checkOptions, rep *checkReport, now time.Time) error {
	f := opts.f
	out := expiringReportOf(rep, now, time.Duration(opts.WarnDays)*24*time.Hour)
	if opts.MetricsFile != "" {
		if err := writeMetricsFile(opts.MetricsFile, out.metrics()); err != nil {
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
func printExpiring(f *Factory, r *expiringReport) {
	cs := f.IO.OutColors()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%5s  %-10s  %-11s  %-8s  %s\n", "DAYS", "EXPIRES", "KIND", "STATUS", "FILE / NAME")
	for _, it := range r.Items {
		days, expires := "never", "-"
		if it.DaysLeft != nil {
			days, expires = fmt.Sprint(*it.DaysLeft), dateText(*it.Expires)
		}
		name := it.Subject
		if it.Kind == kindCRL {
			name = "CRL of " + it.Issuer
		}
		status := pad(it.Status, 8)
		switch it.Status {
		case expirySoon:
			status = cs.Yellow(status)
		case expiryExpired:
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
