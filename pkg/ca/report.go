package ca

import (
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Serials are written everywhere as SerialHex writes them (upper-case hex without
// colons): the form of index.txt, newcerts/<SERIAL>.pem, `openssl x509 -serial` and
// `openssl ca -status`, so that a serial pgcert prints can be pasted into each.

// CertSummary describes a CA certificate in reports (pgcert's --json documents use
// its field names).
type CertSummary struct {
	Subject  string `json:"subject"`
	Serial   string `json:"serial"`
	NotAfter string `json:"not_after"`
	File     string `json:"file,omitempty"`
}

// Summary describes a CA directory in reports: its root, its intermediate (nil
// without one) and whether the key is encrypted.
type Summary struct {
	Dir          string       `json:"ca_dir"`
	Root         CertSummary  `json:"root"`
	Intermediate *CertSummary `json:"intermediate"`
	KeyEncrypted bool         `json:"key_encrypted"`
}

// Summary returns the Summary of c. The root is the top of the chain the directory
// holds (its file is that CA's ca.crt).
func (c *CA) Summary() Summary {
	s := Summary{Dir: c.Dir}
	top := c.CAs()[len(c.CAs())-1]
	s.Root = summarizeCert(top.Cert, top.CertPath())
	if c.Parent != nil {
		ir := summarizeCert(c.Cert, c.CertPath())
		s.Intermediate = &ir
	}
	s.KeyEncrypted, _ = c.KeyEncrypted()
	return s
}

func summarizeCert(cert *x509.Certificate, file string) CertSummary {
	subject, _ := selfsign.FormatSubject(cert.RawSubject)
	return CertSummary{
		Subject:  subject,
		Serial:   SerialHex(cert.SerialNumber.Bytes()),
		NotAfter: cert.NotAfter.UTC().Format(time.RFC3339),
		File:     file,
	}
}

// IssuedReport describes a certificate the CA issued, in reports.
type IssuedReport struct {
	Serial   string `json:"serial"`
	Subject  string `json:"subject"`
	SANs     string `json:"sans"`
	NotAfter string `json:"not_after"`
	Clamped  bool   `json:"clamped"`
	CADir    string `json:"ca_dir"`
	// Copy is the certificate's copy in newcerts/.
	Copy string `json:"copy"`
}

// IssuedReport returns the IssuedReport of a certificate c issued.
func (c *CA) IssuedReport(is *Issued) IssuedReport {
	subject, _ := selfsign.FormatSubject(is.Cert.RawSubject)
	return IssuedReport{
		Serial:   SerialHex(is.Cert.SerialNumber.Bytes()),
		Subject:  subject,
		SANs:     selfsign.SANs{DNS: is.Cert.DNSNames, IP: is.Cert.IPAddresses}.String(),
		NotAfter: is.Cert.NotAfter.UTC().Format(time.RFC3339),
		Clamped:  is.Clamped,
		CADir:    c.Dir,
		Copy:     is.File,
	}
}

// ListedCert is one certificate of a CA's index in a Listing. RevokedAt and Reason
// are nil unless revoked, File nil when the copy in newcerts/ is missing.
type ListedCert struct {
	Status    string  `json:"status"`
	Serial    string  `json:"serial"`
	Subject   string  `json:"subject"`
	Expires   string  `json:"expires"`
	RevokedAt *string `json:"revoked_at"`
	Reason    *string `json:"reason"`
	File      *string `json:"file"`
}

// Listing is the index of a CA as `pgcert ca list` reports it.
type Listing struct {
	CADir        string       `json:"ca_dir"`
	Certificates []ListedCert `json:"certificates"`
}

// Listing lists the issuing CA's index in file order (see ScanListing, which does the
// same without holding the listing in memory).
func (c *CA) Listing(now time.Time) (*Listing, error) {
	l := &Listing{CADir: c.Dir, Certificates: []ListedCert{}}
	err := c.ScanListing(now, ListFilter{}, func(lc *ListedCert) error {
		cp := *lc
		cp.RevokedAt, cp.Reason, cp.File = copyString(lc.RevokedAt), copyString(lc.Reason), copyString(lc.File)
		l.Certificates = append(l.Certificates, cp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func copyString(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

// RevokeReport describes a revocation in reports.
type RevokeReport struct {
	Serial    string `json:"serial"`
	Subject   string `json:"subject"`
	RevokedAt string `json:"revoked_at"`
	Reason    string `json:"reason"`
	CADir     string `json:"ca_dir"`
}

// Report returns the RevokeReport of a revocation.
func (r *Revocation) Report() RevokeReport {
	e := r.Entry
	return RevokeReport{
		Serial:    SerialHex(e.Serial),
		Subject:   string(e.Subject),
		RevokedAt: e.Revoked.UTC().Format(time.RFC3339),
		Reason:    e.Reason.String(),
		CADir:     r.CA.Dir,
	}
}

// ErrNotIssued is returned by RevokeCert for a certificate no CA of the chain signed.
var ErrNotIssued = errors.New("ca: the certificate was not issued by this CA")

// RevokeCert revokes cert (see Revoke), after checking that a CA of c's chain signed
// it: a serial alone could name another CA's certificate.
func (c *CA) RevokeCert(cert *x509.Certificate, reason Reason, now time.Time) (*Revocation, error) {
	for _, x := range c.CAs() {
		if cert.CheckSignatureFrom(x.Cert) == nil {
			return c.Revoke(cert.SerialNumber, reason, now)
		}
	}
	return nil, ErrNotIssued
}

// ParseSerial reads a serial number in hexadecimal as pgcert and openssl print them,
// with optional colons, spaces or a 0x prefix. ok is false for anything else.
func ParseSerial(s string) (n *big.Int, ok bool) {
	h := strings.NewReplacer(":", "", " ", "").Replace(strings.TrimSpace(s))
	h = strings.TrimPrefix(strings.TrimPrefix(h, "0x"), "0X")
	n, ok = new(big.Int).SetString(h, 16)
	if !ok || h == "" || n.Sign() < 0 {
		return nil, false
	}
	return n, true
}
