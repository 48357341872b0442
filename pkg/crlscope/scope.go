package crlscope

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/pgcert/pgcert/pkg/x509name"
)

var (
	oidIssuingDistributionPoint = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidCRLDistributionPoints    = asn1.ObjectIdentifier{2, 5, 29, 31}
)

// IDP is a CRL's issuing distribution point extension (RFC 5280 5.2.5): which
// certificates the CRL speaks for. OpenSSL, and so PostgreSQL and libpq, use a
// CRL only for the certificates it names (see Check).
type IDP struct {
	// Critical is the extension's critical flag; OpenSSL applies the
	// extension either way.
	Critical bool
	// HasDistributionPoint is set when the extension names a distribution
	// point: then only certificates whose CRL distribution points extension
	// names it too are in the CRL's scope.
	HasDistributionPoint bool
	// URIs are the URIs of the distribution point's full name.
	URIs []string
	// OnlyUserCerts, OnlyCACerts and OnlyAttributeCerts limit the CRL to end
	// entity certificates, CA certificates, or attribute certificates (none
	// that TLS uses).
	OnlyUserCerts, OnlyCACerts, OnlyAttributeCerts bool
	// IndirectCRL and OnlySomeReasons mark CRLs that OpenSSL uses only with
	// extended CRL support, which neither PostgreSQL nor libpq turn on.
	IndirectCRL, OnlySomeReasons bool
	// Invalid is set when the extension sets more than one of the Only
	// flags; OpenSSL then never uses the CRL.
	Invalid bool

	// names holds the distribution point's names as nameKeys.
	names [][]byte
}

// ParseIDP returns l's issuing distribution point, nil when it has none or
// one that cannot be decoded: OpenSSL 3 then applies the CRL as if it had
// none (checked against openssl verify in the tests).
func ParseIDP(l *x509.RevocationList) *IDP {
	for _, e := range l.Extensions {
		if !e.Id.Equal(oidIssuingDistributionPoint) {
			continue
		}
		idp := &IDP{Critical: e.Critical}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return nil
		}
		for !seq.Empty() {
			var field cryptobyte.String
			var tag cbasn1.Tag
			if !seq.ReadAnyASN1(&field, &tag) {
				return nil
			}
			flag := len(field) == 1 && field[0] != 0
			switch tag {
			case cbasn1.Tag(0).ContextSpecific().Constructed():
				idp.HasDistributionPoint = true
				names, uris, ok := dpNameKeys(field, l.RawIssuer)
				if !ok {
					return nil
				}
				idp.names, idp.URIs = names, uris
			case cbasn1.Tag(1).ContextSpecific():
				idp.OnlyUserCerts = flag
			case cbasn1.Tag(2).ContextSpecific():
				idp.OnlyCACerts = flag
			case cbasn1.Tag(3).ContextSpecific():
				idp.OnlySomeReasons = true
			case cbasn1.Tag(4).ContextSpecific():
				idp.IndirectCRL = flag
			case cbasn1.Tag(5).ContextSpecific():
				idp.OnlyAttributeCerts = flag
			}
		}
		only := 0
		for _, b := range []bool{idp.OnlyUserCerts, idp.OnlyCACerts, idp.OnlyAttributeCerts} {
			if b {
				only++
			}
		}
		idp.Invalid = only > 1
		return idp
	}
	return nil
}

// Name is the distribution point the extension names, as its URIs, else as
// "a distribution point named otherwise"; "" when it names none.
func (p *IDP) Name() string {
	switch {
	case p == nil || !p.HasDistributionPoint:
		return ""
	case len(p.URIs) > 0:
		return strings.Join(p.URIs, ", ")
	}
	return "a distribution point named otherwise than by URI"
}

// Unusable says why OpenSSL, without extended CRL support, never uses a CRL
// with this issuing distribution point; "" when it may.
func (p *IDP) Unusable() string {
	switch {
	case p.Invalid:
		return "the CRL's issuing distribution point is invalid"
	case p.IndirectCRL:
		return "the CRL is an indirect CRL, which OpenSSL uses only with extended CRL support"
	case p.OnlySomeReasons:
		return "the CRL covers only some revocation reasons, which OpenSSL uses only with extended CRL support"
	}
	return ""
}

// Error says that OpenSSL does not use a CRL for a certificate its issuer
// issued. Unusable is set when OpenSSL never uses the CRL at all (an invalid,
// indirect or reason-partitioned one): verification then fails with "unable to
// get certificate CRL" (X509 error 3); otherwise it fails with "different CRL
// scope" (X509 error 44).
type Error struct {
	Unusable bool
	// DistributionPoint is set when the certificate is left out only for not
	// naming the CRL's distribution point.
	DistributionPoint bool
	// Why says what of the CRL's issuing distribution point leaves the
	// certificate out.
	Why string
	// URIs are the URIs of the CRL's distribution point, which a certificate
	// must name in its CRL distribution points to be in scope.
	URIs []string
}

func (e *Error) Error() string { return "crl: " + e.Why }

// Check reports whether OpenSSL, as PostgreSQL and libpq set it up (no
// extended CRL support), uses l for cert, a certificate l's issuer issued; nil
// when it does. It follows OpenSSL's get_crl_score and crl_crldp_check
// (crypto/x509/x509_vfy.c):
//   - an issuing distribution point that cannot be decoded counts as none;
//   - one that sets more than one of onlyContainsUserCerts,
//     onlyContainsCACerts and onlyContainsAttributeCerts, is an indirect CRL
//     or covers only some reasons makes the CRL unusable;
//   - onlyContainsAttributeCerts leaves out every certificate,
//     onlyContainsUserCerts CA certificates (basic constraints CA), and
//     onlyContainsCACerts all others;
//   - a distribution point in the CRL leaves out a certificate unless one of
//     the distribution points of its CRL distribution points extension (one
//     without a cRLIssuer, or whose cRLIssuer is the CRL's issuer) has no name,
//     or shares a name with it (idp_check_dp): general names compare by type
//     and encoded value, so URIs compare byte for byte, directory names by
//     their canonical form (X509_NAME_cmp); a name relative to the CRL issuer
//     is that issuer's name plus the relative part.
//
// The tests hold every case against openssl verify.
func Check(l *x509.RevocationList, cert *x509.Certificate) error {
	idp := ParseIDP(l)
	if idp == nil {
		return nil
	}
	if why := idp.Unusable(); why != "" {
		return &Error{Unusable: true, Why: why}
	}
	if idp.OnlyAttributeCerts {
		return &Error{Why: "the CRL covers only attribute certificates"}
	}
	isCA := cert.BasicConstraintsValid && cert.IsCA
	if isCA && idp.OnlyUserCerts {
		return &Error{Why: "the CRL covers only end entity certificates, and this is a CA certificate"}
	}
	if !isCA && idp.OnlyCACerts {
		return &Error{Why: "the CRL covers only CA certificates, and this is not one"}
	}
	if !idp.HasDistributionPoint {
		return nil
	}
	for _, dp := range certDistributionPoints(cert) {
		if dp.crlIssuers != nil && !containsKey(dp.crlIssuers, dirKey(l.RawIssuer)) {
			continue
		}
		if dp.names == nil {
			return nil
		}
		for _, k := range dp.names {
			if containsKey(idp.names, k) {
				return nil
			}
		}
	}
	return &Error{
		DistributionPoint: true,
		Why:               fmt.Sprintf("the CRL is for the distribution point %s, which the certificate's CRL distribution points do not name", idp.Name()),
		URIs:              idp.URIs,
	}
}

// Mismatch returns the CRL's distribution point URI when cert names none
// of the CRL's distribution points, "" otherwise (see Check, which also
// covers the issuing distribution point's other fields). step-ca marks every
// CRL with such a distribution point, and its default template gives
// certificates none.
func Mismatch(l *x509.RevocationList, cert *x509.Certificate) string {
	var se *Error
	if !errors.As(Check(l, cert), &se) || !se.DistributionPoint || len(se.URIs) == 0 {
		return ""
	}
	return se.URIs[0]
}

// certDP is one distribution point of a certificate's CRL distribution
// points extension: its names (nil when it has none) and the directory names
// of its cRLIssuer (nil when it has none), as nameKeys.
type certDP struct {
	names, crlIssuers [][]byte
	reasons           uint16
}

// AllReasons is OpenSSL's CRLDP_ALL_REASONS: the revocation reasons of the
// ReasonFlags bits (unused, keyCompromise … privilegeWithdrawn, aACompromise),
// all of which a certificate's CRLs must cover together.
const AllReasons = 0x807f

// reasonFlags reads the content of a distribution point's reasons field
// (ReasonFlags, an implicitly tagged BIT STRING) as OpenSSL's setup_dp does:
// its first two bytes, the second shifted left by 8, limited to AllReasons.
func reasonFlags(content []byte) uint16 {
	if len(content) == 0 {
		return 0
	}
	unused, data := content[0], content[1:]
	if unused > 7 || len(data) == 0 {
		return 0
	}
	data = append([]byte(nil), data...)
	data[len(data)-1] &= 0xff << unused
	r := uint16(data[0])
	if len(data) > 1 {
		r |= uint16(data[1]) << 8
	}
	return r & AllReasons
}

// Reasons returns the revocation reasons OpenSSL takes l, a CRL whose issuer
// issued cert and in whose scope cert is (Check returns nil), to cover for
// cert: those of the first of cert's CRL distribution points that l may serve
// (crl_crldp_check), or all reasons when none needs to match. A distribution
// point with a reasons field thus limits what a CRL covers, and OpenSSL
// without extended CRL support, as PostgreSQL and libpq run it, looks for
// further CRLs for the other reasons and, finding none, fails with "unable to
// get certificate CRL".
func Reasons(l *x509.RevocationList, cert *x509.Certificate) uint16 {
	idp := ParseIDP(l)
	for _, dp := range certDistributionPoints(cert) {
		if dp.crlIssuers != nil && !containsKey(dp.crlIssuers, dirKey(l.RawIssuer)) {
			continue
		}
		if idp == nil || !idp.HasDistributionPoint || dp.names == nil {
			return dp.reasons
		}
		for _, k := range dp.names {
			if containsKey(idp.names, k) {
				return dp.reasons
			}
		}
	}
	return AllReasons
}

// certDistributionPoints reads cert's CRL distribution points extension; a
// point that cannot be read is left out, as it matches nothing.
func certDistributionPoints(cert *x509.Certificate) []certDP {
	var out []certDP
	for _, e := range cert.Extensions {
		if !e.Id.Equal(oidCRLDistributionPoints) {
			continue
		}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
			return nil
		}
		for !seq.Empty() {
			var point cryptobyte.String
			if !seq.ReadASN1(&point, cbasn1.SEQUENCE) {
				return out
			}
			var dpName, reasons, issuers cryptobyte.String
			var hasName, hasReasons, hasIssuers bool
			if !point.ReadOptionalASN1(&dpName, &hasName, cbasn1.Tag(0).ContextSpecific().Constructed()) ||
				!point.ReadOptionalASN1(&reasons, &hasReasons, cbasn1.Tag(1).ContextSpecific()) ||
				!point.ReadOptionalASN1(&issuers, &hasIssuers, cbasn1.Tag(2).ContextSpecific().Constructed()) {
				continue
			}
			dp := certDP{reasons: AllReasons}
			if hasReasons {
				dp.reasons = reasonFlags(reasons)
			}
			if hasIssuers {
				keys, _, ok := generalNameKeys(issuers)
				if !ok {
					continue
				}
				dp.crlIssuers = append([][]byte{}, keys...)
			}
			if hasName {
				// Go's x509 refuses certificates whose distribution point
				// name is relative to the CRL issuer, so only full names
				// reach here.
				keys, _, ok := dpNameKeys(dpName, nil)
				if !ok {
					continue
				}
				dp.names = keys
			}
			out = append(out, dp)
		}
	}
	return out
}

// dpNameKeys reads the content of a DistributionPointName's explicit tag: a
// fullName or a name relative to issuer (a DER Name). It returns the names as
// nameKeys and the URIs among them.
func dpNameKeys(field cryptobyte.String, issuer []byte) ([][]byte, []string, bool) {
	var name cryptobyte.String
	var tag cbasn1.Tag
	if !field.ReadAnyASN1(&name, &tag) || !field.Empty() {
		return nil, nil, false
	}
	switch tag {
	case cbasn1.Tag(0).ContextSpecific().Constructed():
		return generalNameKeys(name)
	case cbasn1.Tag(1).ContextSpecific().Constructed():
		var rdns cryptobyte.String
		in := cryptobyte.String(issuer)
		if !in.ReadASN1(&rdns, cbasn1.SEQUENCE) {
			return nil, nil, false
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(rdns)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(name) })
		})
		full, err := b.Bytes()
		if err != nil {
			return nil, nil, false
		}
		return [][]byte{dirKey(full)}, nil, true
	}
	return nil, nil, false
}

// generalNameKeys reads GeneralNames content into nameKeys, and returns the
// URIs among them.
func generalNameKeys(names cryptobyte.String) ([][]byte, []string, bool) {
	var keys [][]byte
	var uris []string
	for !names.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&v, &tag) {
			return nil, nil, false
		}
		switch tag {
		case cbasn1.Tag(4).ContextSpecific().Constructed():
			keys = append(keys, dirKey(v))
		case cbasn1.Tag(6).ContextSpecific():
			uris = append(uris, string(v))
			fallthrough
		default:
			keys = append(keys, append([]byte(fmt.Sprintf("%d:", tag)), v...))
		}
	}
	return keys, uris, true
}

// dirKey is the nameKey of a directory name given as a DER Name: directory
// names compare with each other, and names relative to a CRL issuer are ones,
// by OpenSSL's canonical form (X509_NAME_cmp), so that a distribution point
// spelled in another case or string type is the same point.
func dirKey(name []byte) []byte {
	if canon, ok := x509name.Canonical(name); ok {
		return append([]byte("dn:"), canon...)
	}
	return append([]byte("dn!"), name...)
}

func containsKey(keys [][]byte, k []byte) bool {
	for _, x := range keys {
		if bytes.Equal(x, k) {
			return true
		}
	}
	return false
}

// IDPURIs returns the URIs of l's issuing distribution point, nil when it
// names none.
func IDPURIs(l *x509.RevocationList) []string {
	if p := ParseIDP(l); p != nil {
		return p.URIs
	}
	return nil
}
