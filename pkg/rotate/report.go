package rotate

import (
	"crypto/x509"
	"slices"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// The actions a Report states.
const (
	ActionRenewed    = "renewed"
	ActionNothing    = "nothing_to_do"
	ActionReloaded   = "reloaded"
	ActionRolledBack = "rolled_back"
)

// Report is what a renewal or a rollback found and did; its JSON is the --json
// document of `pgcert renew` (README, "JSON: pgcert renew").
type Report struct {
	DataDir     string        `json:"data_directory"`
	Action      string        `json:"action"`
	CADir       string        `json:"ca_dir,omitempty"`
	Certificate *CertReport   `json:"certificate,omitempty"`
	CRL         *CRLReport    `json:"crl"`
	Files       []FileReport  `json:"files"`
	Previous    []string      `json:"previous"`
	Restored    []string      `json:"restored,omitempty"`
	Reload      *ReloadReport `json:"reload"`
}

// CertReport is the server certificate before and after.
type CertReport struct {
	File        string   `json:"file"`
	Serial      string   `json:"serial"`
	NotAfter    string   `json:"not_after"`
	DaysLeft    int      `json:"days_left"`
	RenewAtDays int      `json:"renew_at_days"`
	Renewed     bool     `json:"renewed"`
	Reason      string   `json:"reason"`
	Rekeyed     bool     `json:"rekeyed"`
	New         *NewCert `json:"new"`
}

// NewCert is the certificate that replaced the old one.
type NewCert struct {
	Serial   string `json:"serial"`
	Subject  string `json:"subject"`
	SANs     string `json:"sans"`
	NotAfter string `json:"not_after"`
	Clamped  bool   `json:"clamped"`
}

// CRLReport is ssl_crl_file before and after.
type CRLReport struct {
	File      string    `json:"file"`
	Refreshed bool      `json:"refreshed"`
	Reasons   []string  `json:"reasons"`
	CRLs      []CRLInfo `json:"crls"`
}

// CRLInfo describes a CRL a renewal wrote.
type CRLInfo = crl.Summary

// baseReport describes the current files and what is due.
func (r *renewer) baseReport() *Report {
	rep := &Report{DataDir: r.setup.Dir.Dir, Files: []FileReport{}, Previous: []string{}}
	if r.opts.Remote != nil {
		rep.CADir = r.opts.Remote.Name()
	} else {
		rep.CADir = r.c.Dir
	}
	rep.Certificate = &CertReport{
		File:        r.certFile.Path,
		Serial:      serialOf(r.leaf),
		NotAfter:    r.leaf.NotAfter.UTC().Format(time.RFC3339),
		DaysLeft:    int(r.leaf.NotAfter.Sub(r.now) / (24 * time.Hour)),
		RenewAtDays: durationDays(r.renewAt),
		Reason:      r.certReason,
	}
	if r.hasCRLFile {
		c := &CRLReport{File: r.crlFile.Path, Reasons: []string{}, CRLs: []CRLInfo{}}
		for _, st := range r.crlStates {
			if st.reason != "" && !slices.Contains(c.Reasons, st.reason) {
				c.Reasons = append(c.Reasons, st.reason)
			}
			if st.current != nil {
				c.CRLs = append(c.CRLs, crl.Summarize(st.current))
			}
		}
		rep.CRL = c
	}
	return rep
}

// fillRenewed records the new files in the report.
func (r *renewer) fillRenewed(rep *Report, set *newSet) {
	if set.cert != nil {
		cert := set.cert.Cert
		subject, _ := selfsign.FormatSubject(cert.RawSubject)
		rep.Certificate.Renewed = true
		rep.Certificate.Rekeyed = set.keyPEM != nil
		rep.Certificate.New = &NewCert{
			Serial:   serialOf(cert),
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

// serialOf is a certificate's serial as pgcert prints serials: upper-case
// hexadecimal, as openssl's index.txt records them.
func serialOf(c *x509.Certificate) string { return ca.SerialHex(c.SerialNumber.Bytes()) }
