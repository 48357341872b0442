package ca

import (
	"errors"
	"fmt"
	"strings"
)

// Reason is a CRL revocation reason: the CRLReason code of RFC 5280 section 5.3.1,
// which is the value a CRL entry's reasonCode extension carries.
type Reason int

// The RFC 5280 reason codes. Code 7 is unassigned.
const (
	// ReasonNone marks a revocation that records no reason at all. openssl ca then
	// writes the CRL entry without a reasonCode extension, which is what RFC 5280
	// asks for when the reason is unspecified.
	ReasonNone                 Reason = -1
	ReasonUnspecified          Reason = 0
	ReasonKeyCompromise        Reason = 1
	ReasonCACompromise         Reason = 2
	ReasonAffiliationChanged   Reason = 3
	ReasonSuperseded           Reason = 4
	ReasonCessationOfOperation Reason = 5
	ReasonCertificateHold      Reason = 6
	ReasonRemoveFromCRL        Reason = 8
	ReasonPrivilegeWithdrawn   Reason = 9
	ReasonAACompromise         Reason = 10
)

// Reasons lists the reasons an openssl index can record, in the order of openssl's
// own table (apps/ca.c crl_reasons). These are the values `openssl ca -revoke
// -crl_reason` accepts, so they are the values a revocation command should offer.
// privilegeWithdrawn and aACompromise are valid RFC 5280 codes but openssl can
// neither write nor read them in index.txt, so they are not listed.
var Reasons = []Reason{
	ReasonUnspecified,
	ReasonKeyCompromise,
	ReasonCACompromise,
	ReasonAffiliationChanged,
	ReasonSuperseded,
	ReasonCessationOfOperation,
	ReasonCertificateHold,
	ReasonRemoveFromCRL,
}

type reasonInfo struct {
	name string // openssl's spelling, which index.txt stores
	desc string
}

// reasonTable is indexed by code; code 7 is unassigned.
var reasonTable = [...]reasonInfo{
	ReasonUnspecified:          {"unspecified", "no reason given"},
	ReasonKeyCompromise:        {"keyCompromise", "the certificate's private key was exposed"},
	ReasonCACompromise:         {"CACompromise", "the issuing CA's private key was exposed"},
	ReasonAffiliationChanged:   {"affiliationChanged", "the subject's name or affiliation changed"},
	ReasonSuperseded:           {"superseded", "the certificate was replaced by a new one"},
	ReasonCessationOfOperation: {"cessationOfOperation", "the certificate is no longer needed"},
	ReasonCertificateHold:      {"certificateHold", "the certificate is suspended and may be released"},
	ReasonRemoveFromCRL:        {"removeFromCRL", "a held certificate is released (delta CRLs only)"},
	ReasonPrivilegeWithdrawn:   {"privilegeWithdrawn", "a privilege of the subject was withdrawn"},
	ReasonAACompromise:         {"aACompromise", "the attribute authority's key was exposed"},
}

// String returns openssl's name for the reason ("keyCompromise"), "none" for
// ReasonNone, or the number for a code RFC 5280 does not assign.
func (r Reason) String() string {
	if r == ReasonNone {
		return "none"
	}
	if r >= 0 && int(r) < len(reasonTable) && reasonTable[r].name != "" {
		return reasonTable[r].name
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Description says in a few words when the reason applies; it is meant for help
// texts and shell completions.
func (r Reason) Description() string {
	if r == ReasonNone {
		return "no reason recorded"
	}
	if r >= 0 && int(r) < len(reasonTable) {
		return reasonTable[r].desc
	}
	return ""
}

// ErrUnknownReason is returned by ParseReason for a name openssl does not know.
var ErrUnknownReason = errors.New("ca: unknown revocation reason")

// ParseReason returns the reason openssl calls name. Like openssl it ignores case, so
// "keycompromise" and "CAcompromise" are accepted. Only the names in Reasons parse:
// they are the ones an index can hold.
func ParseReason(name string) (Reason, error) {
	for _, r := range Reasons {
		if strings.EqualFold(name, reasonTable[r].name) {
			return r, nil
		}
	}
	return ReasonNone, fmt.Errorf("%w %q", ErrUnknownReason, name)
}

// inIndex reports whether openssl can read r back from an index line.
func (r Reason) inIndex() bool {
	for _, x := range Reasons {
		if x == r {
			return true
		}
	}
	return false
}
