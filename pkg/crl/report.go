package crl

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Summary describes a CRL for reports (pgcert's --json documents use its field
// names): the issuer in openssl's one-line form, the CRL number in decimal ("" when
// the CRL has none), the number of entries and nextUpdate in RFC 3339 ("" when
// absent).
type Summary struct {
	Issuer     string `json:"issuer"`
	Number     string `json:"number"`
	Entries    int    `json:"entries"`
	NextUpdate string `json:"next_update"`
}

// Summarize returns the Summary of a parsed CRL.
func Summarize(c *x509.RevocationList) Summary {
	s := Summary{Issuer: IssuerName(c.RawIssuer, c.Issuer.String()), Entries: len(c.RevokedCertificateEntries)}
	if c.Number != nil {
		s.Number = c.Number.String()
	}
	if !c.NextUpdate.IsZero() {
		s.NextUpdate = c.NextUpdate.UTC().Format(time.RFC3339)
	}
	return s
}

// String is one line about the CRL, as pgcert prints it: "CRL of CN = Example CA,
// number 3, 1 revoked certificate, next update 2027-01-01T00:00:00Z".
func (s Summary) String() string {
	number, next := s.Number, s.NextUpdate
	if number == "" {
		number = "(none)"
	}
	if next == "" {
		next = "(none)"
	}
	entries := fmt.Sprintf("%d revoked certificates", s.Entries)
	if s.Entries == 1 {
		entries = "1 revoked certificate"
	}
	return fmt.Sprintf("CRL of %s, number %s, %s, next update %s", s.Issuer, number, entries, next)
}

// IssuerName is a DER name (a CRL's issuer, a CA's subject) in openssl's one-line
// form ("CN = Example CA"), the form pgcert's messages use so that they compare with
// openssl's output; fallback when the name cannot be formatted.
func IssuerName(raw []byte, fallback string) string {
	if s, err := selfsign.FormatSubject(raw); err == nil {
		return s
	}
	return fallback
}
