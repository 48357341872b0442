package doctor

import (
	"sort"
	"time"
)

// The states of an ExpiringItem: ok, expiring within the report's WarnDays, expired.
const (
	ExpiryOK      = "ok"
	ExpirySoon    = "expiring"
	ExpiryExpired = "expired"
)

// The kinds of an ExpiringItem.
const (
	KindCertificate = "certificate"
	KindCRL         = "crl"
)

// ExpiringItem is one certificate or CRL of the SSL files, with its days left.
type ExpiringItem struct {
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

// ExpiringReport lists every certificate and CRL of the SSL files with its days left,
// for monitoring: the --json document of `pgcert check --expiring`.
type ExpiringReport struct {
	DataDirectory string    `json:"data_directory"`
	CheckedAt     time.Time `json:"checked_at"`
	WarnDays      int       `json:"warn_days"`
	Strict        bool      `json:"strict"`
	OK            bool      `json:"ok"`
	Expired       int       `json:"expired"`
	Expiring      int       `json:"expiring"`
	// MinDaysLeft is the smallest DaysLeft of the items, null when none has one.
	MinDaysLeft *int           `json:"min_days_left"`
	Items       []ExpiringItem `json:"items"`
}

// Expiring lists the certificates and CRLs the check found in the SSL files, soonest
// first (those that never expire last), against the check's own time and WarnDays.
func (r *Report) Expiring() *ExpiringReport {
	now, window := r.CheckedAt, time.Duration(r.WarnDays)*24*time.Hour
	out := &ExpiringReport{
		DataDirectory: r.DataDirectory, CheckedAt: r.CheckedAt, WarnDays: r.WarnDays, Strict: r.Strict,
		Items: []ExpiringItem{},
	}
	add := func(it ExpiringItem, expires time.Time) {
		it.Status = ExpiryOK
		if !expires.IsZero() {
			e, d := expires.UTC(), daysLeft(expires, now)
			it.Expires, it.DaysLeft = &e, &d
			switch {
			case !now.Before(expires):
				it.Status = ExpiryExpired
				out.Expired++
			case expires.Sub(now) <= window:
				it.Status = ExpirySoon
				out.Expiring++
			}
			if out.MinDaysLeft == nil || d < *out.MinDaysLeft {
				out.MinDaysLeft = &d
			}
		}
		out.Items = append(out.Items, it)
	}
	for _, g := range r.SSLFiles() {
		for _, c := range g.Certificates {
			add(ExpiringItem{Kind: KindCertificate, Setting: g.Setting, File: g.Name, Path: g.Path, Subject: c.Subject, Issuer: c.Issuer, Serial: c.Serial}, c.NotAfter)
		}
		for _, c := range g.CRLs {
			file := g.Name
			if g.Setting == "ssl_crl_dir" && c.File != "" {
				file = c.File
			}
			add(ExpiringItem{Kind: KindCRL, Setting: g.Setting, File: file, Path: g.Path, Issuer: c.Issuer, Number: c.Number}, c.NextUpdate)
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
