package cli

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// The actions a renew report states.
const (
	actionRenewed    = "renewed"
	actionNothing    = "nothing_to_do"
	actionReloaded   = "reloaded"
	actionRolledBack = "rolled_back"
)

// renewReport is the --json document of `pgcert renew` (README, "JSON: pgcert
// renew").
type renewReport struct {
	DataDir     string           `json:"data_directory"`
	Action      string           `json:"action"`
	CADir       string           `json:"ca_dir,omitempty"`
	Certificate *renewCertReport `json:"certificate,omitempty"`
	CRL         *renewCRLReport  `json:"crl"`
	Files       []fileReport     `json:"files"`
	Previous    []string         `json:"previous"`
	Restored    []string         `json:"restored,omitempty"`
	Reload      *reloadReport    `json:"reload"`
}

// renewCertReport is the server certificate before and after.
type renewCertReport struct {
	File        string           `json:"file"`
	Serial      string           `json:"serial"`
	NotAfter    string           `json:"not_after"`
	DaysLeft    int              `json:"days_left"`
	RenewAtDays int              `json:"renew_at_days"`
	Renewed     bool             `json:"renewed"`
	Reason      string           `json:"reason"`
	Rekeyed     bool             `json:"rekeyed"`
	New         *renewedCertJSON `json:"new"`
}

// renewedCertJSON is the certificate that replaced the old one.
type renewedCertJSON struct {
	Serial   string `json:"serial"`
	Subject  string `json:"subject"`
	SANs     string `json:"sans"`
	NotAfter string `json:"not_after"`
	Clamped  bool   `json:"clamped"`
}

// renewCRLReport is ssl_crl_file before and after.
type renewCRLReport struct {
	File      string      `json:"file"`
	Refreshed bool        `json:"refreshed"`
	Reasons   []string    `json:"reasons"`
	CRLs      []crlReport `json:"crls"`
}

// baseReport describes the current files and what is due.
func (r *renewer) baseReport() *renewReport {
	rep := &renewReport{DataDir: r.setup.Dir.Dir, CADir: r.c.Dir, Files: []fileReport{}, Previous: []string{}}
	rep.Certificate = &renewCertReport{
		File:        r.certFile.Path,
		Serial:      ca.SerialHex(r.leaf.SerialNumber.Bytes()),
		NotAfter:    r.leaf.NotAfter.UTC().Format(time.RFC3339),
		DaysLeft:    daysLeft(r.leaf.NotAfter, r.now),
		RenewAtDays: durationDays(r.renewAt),
		Reason:      r.certReason,
	}
	if r.hasCRLFile {
		c := &renewCRLReport{File: r.crlFile.Path, Reasons: []string{}, CRLs: []crlReport{}}
		for _, st := range r.crlStates {
			if st.reason != "" && !slices.Contains(c.Reasons, st.reason) {
				c.Reasons = append(c.Reasons, st.reason)
			}
			if st.current != nil {
				c.CRLs = append(c.CRLs, describeCRLReport(st.current))
			}
		}
		rep.CRL = c
	}
	return rep
}

// fillRenewed records the new files in the report.
func (r *renewer) fillRenewed(rep *renewReport, set *newSet) {
	if set.cert != nil {
		cert := set.cert.Cert
		subject, _ := selfsign.FormatSubject(cert.RawSubject)
		rep.Certificate.Renewed = true
		rep.Certificate.Rekeyed = set.keyPEM != nil
		rep.Certificate.New = &renewedCertJSON{
			Serial:   ca.SerialHex(cert.SerialNumber.Bytes()),
			Subject:  subject,
			SANs:     selfsign.SANs{DNS: cert.DNSNames, IP: cert.IPAddresses}.String(),
			NotAfter: cert.NotAfter.UTC().Format(time.RFC3339),
			Clamped:  set.cert.Clamped,
		}
	}
	if set.crlPEM != nil {
		rep.CRL.Refreshed = true
		rep.CRL.CRLs = set.crls
	}
}

// print writes the report: JSON, or lines for a person (and a cron mail).
func (r *renewer) print(rep *renewReport) error {
	f := r.f
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	var b bytes.Buffer
	cert := rep.Certificate
	switch rep.Action {
	case actionNothing, actionReloaded:
		line := fmt.Sprintf("nothing to do: %s expires in %s, renewal at %s",
			filepath.Base(cert.File), plural(cert.DaysLeft, "day", "days"), plural(cert.RenewAtDays, "day", "days"))
		if rep.CRL != nil {
			line += fmt.Sprintf("; %s is current (refreshed %d days before its next update)", filepath.Base(rep.CRL.File), durationDays(crl.RenewBefore))
		}
		if !f.Global.Quiet || rep.Action == actionReloaded {
			fmt.Fprintln(&b, line)
		}
	case actionRenewed:
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
			if !strings.HasSuffix(fr.Path, prevSuffix) {
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
	if rel := rep.Reload; rel != nil && !(f.Global.Quiet && rep.Action == actionNothing) {
		fmt.Fprintln(&b, rel.Message)
	}
	_, err := f.IO.Out.Write(b.Bytes())
	return err
}

// leafSerial is a certificate's serial as pgcert prints serials.
func leafSerial(c *x509.Certificate) string { return ca.SerialHex(c.SerialNumber.Bytes()) }
