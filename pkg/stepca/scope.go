package stepca

import (
	"crypto/x509"
	"encoding/asn1"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var oidIssuingDistributionPoint = asn1.ObjectIdentifier{2, 5, 29, 28}

// IDPURIs returns the URIs of the full name of a CRL's issuing distribution
// point extension (RFC 5280 5.2.5), nil when it has none. step-ca marks every
// CRL with one (its idpURL setting, else https://ITS-FIRST-NAME/1.0/crl).
func IDPURIs(l *x509.RevocationList) []string {
	for _, e := range l.Extensions {
		if !e.Id.Equal(oidIssuingDistributionPoint) {
			continue
		}
		var uris []string
		s := cryptobyte.String(e.Value)
		var idp, dpName, fullName cryptobyte.String
		if !s.ReadASN1(&idp, cbasn1.SEQUENCE) ||
			!idp.ReadOptionalASN1(&dpName, nil, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
			dpName.Empty() ||
			!dpName.ReadOptionalASN1(&fullName, nil, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil
		}
		for !fullName.Empty() {
			var name cryptobyte.String
			var tag cbasn1.Tag
			if !fullName.ReadAnyASN1(&name, &tag) {
				return uris
			}
			if tag == cbasn1.Tag(6).ContextSpecific() {
				uris = append(uris, string(name))
			}
		}
		return uris
	}
	return nil
}

// ScopeMismatch returns the CRL's distribution point URI when cert names none
// of the CRL's distribution points, "" when the CRL applies to cert. OpenSSL,
// and so PostgreSQL and libpq, use a CRL whose issuing distribution point names
// a distribution point only for certificates whose CRL distribution points
// extension names it too; for any other it fails with "different CRL scope",
// refusing every such certificate once CRLs are checked.
func ScopeMismatch(l *x509.RevocationList, cert *x509.Certificate) string {
	uris := IDPURIs(l)
	if len(uris) == 0 {
		return ""
	}
	for _, u := range uris {
		if slices.Contains(cert.CRLDistributionPoints, u) {
			return ""
		}
	}
	return uris[0]
}
