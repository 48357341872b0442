package inspect

import (
	"encoding/asn1"
	"math/big"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
)

var oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}

// CRL describes a certificate revocation list. Its entries are not held: they are
// read from the DER on demand by ScanEntries, so that a CRL of millions of entries
// can be shown in memory proportional to its file.
type CRL struct {
	Issuer   string `json:"issuer"`
	IssuerDN string `json:"issuer_dn"`
	// Version is 1 or 2.
	Version int `json:"version"`
	// Number is the CRL number in decimal (it may be up to 159 bits, too many for
	// a JSON number), "" when the CRL has none.
	Number     string    `json:"number"`
	ThisUpdate time.Time `json:"this_update"`
	// NextUpdate is nil when the CRL has none (it never expires).
	NextUpdate *time.Time `json:"next_update"`
	// Status is "valid" (thisUpdate has passed, nextUpdate has not), "expired"
	// (nextUpdate has passed: OpenSSL, and so the server and libpq, then reject
	// every certificate of this issuer) or "not_yet_valid".
	Status string `json:"status"`
	// DaysLeft is the number of days until NextUpdate, counted as
	// Certificate.DaysLeft is; nil without one.
	DaysLeft           *int   `json:"days_left"`
	SignatureAlgorithm string `json:"signature_algorithm"`
	// AuthorityKeyID is the issuer's key identifier, as openssl prints it.
	AuthorityKeyID    string `json:"authority_key_id"`
	SHA256Fingerprint string `json:"sha256_fingerprint"`
	// EntryCount is the number of revoked certificates listed.
	EntryCount int `json:"entry_count"`

	info *crl.Info
}

// CRLEntry is one revoked certificate.
type CRLEntry struct {
	// Serial is formatted as Certificate.Serial, so the two compare as strings.
	Serial         string    `json:"serial"`
	RevocationTime time.Time `json:"revocation_time"`
	// Reason is the RFC 5280 reason name ("keyCompromise"), "" when the entry
	// gives none.
	Reason string `json:"reason"`
	// InvalidityDate is when the key is known or suspected to have been
	// compromised; nil when the entry does not say.
	InvalidityDate *time.Time `json:"invalidity_date"`
}

func describeCRL(der []byte, now time.Time) (*CRL, error) {
	info, err := crl.Describe(der)
	if err != nil {
		return nil, err
	}
	// Walk the entries once, so that ScanEntries never fails halfway through
	// output.
	if err := info.ScanEntries(func(crl.Entry) error { return nil }); err != nil {
		return nil, err
	}
	out := &CRL{
		Issuer:             subjectName(info.RawIssuer),
		IssuerDN:           rfc2253Name(info.RawIssuer),
		Version:            info.Version,
		ThisUpdate:         info.ThisUpdate.UTC(),
		SignatureAlgorithm: info.SignatureAlgorithm.String(),
		AuthorityKeyID:     keyID(info.AuthorityKeyID),
		SHA256Fingerprint:  fingerprint(der),
		EntryCount:         info.Entries,
		info:               info,
	}
	if info.SignatureAlgorithm == 0 {
		out.SignatureAlgorithm = info.SignatureAlgorithmOID.String()
	}
	if info.Number != nil {
		out.Number = info.Number.String()
	}
	out.Status = Valid
	if now.Before(info.ThisUpdate) {
		out.Status = NotYetValid
	}
	if !info.NextUpdate.IsZero() {
		next := info.NextUpdate.UTC()
		out.NextUpdate = &next
		days := DaysLeft(next, now)
		out.DaysLeft = &days
		if now.After(next) {
			out.Status = Expired
		}
	}
	return out, nil
}

// ScanEntries calls fn for every entry, in the order the CRL lists them, and
// stops at fn's first error, which it returns. Entries are decoded one at a time
// from the CRL's DER.
func (c *CRL) ScanEntries(fn func(CRLEntry) error) error {
	if c.info == nil {
		return nil
	}
	return c.info.ScanEntries(func(e crl.Entry) error {
		out := CRLEntry{
			Serial:         formatSerial(new(big.Int).SetBytes(e.Serial)),
			RevocationTime: e.RevocationTime.UTC(),
		}
		if e.Reason != 0 {
			out.Reason = ca.Reason(e.Reason).String()
		}
		if !e.InvalidityDate.IsZero() {
			t := e.InvalidityDate.UTC()
			out.InvalidityDate = &t
		}
		return fn(out)
	})
}
