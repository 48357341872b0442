package selfsign

import (
	"encoding/asn1"
	"strings"
)

// attribute is a name attribute type pgcert knows by name: the names openssl
// gives it (the short name is what openssl prints), and the string type and
// length bounds its values get.
type attribute struct {
	short string
	long  string
	oid   asn1.ObjectIdentifier
	// tag is the ASN.1 string type values are written as. openssl's default
	// string_mask (utf8only) makes every DirectoryString a UTF8String, which
	// RFC 5280 section 4.1.2.4 asks for; a few attributes are defined with a
	// fixed type, and openssl and pgcert both honour it.
	tag int
	// minLen and maxLen bound the value in characters. The upper bounds are
	// RFC 5280's ub-* values (the ones zlint checks); 0 means unbounded.
	minLen, maxLen int
	// display marks attributes known only so that names print as openssl
	// prints them; ParseSubject does not accept them because their values are
	// not plain strings.
	display bool
}

var attributes = []attribute{
	{short: "C", long: "countryName", oid: asn1.ObjectIdentifier{2, 5, 4, 6}, tag: asn1.TagPrintableString, minLen: 2, maxLen: 2},
	{short: "ST", long: "stateOrProvinceName", oid: asn1.ObjectIdentifier{2, 5, 4, 8}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "L", long: "localityName", oid: asn1.ObjectIdentifier{2, 5, 4, 7}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "O", long: "organizationName", oid: asn1.ObjectIdentifier{2, 5, 4, 10}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "OU", long: "organizationalUnitName", oid: asn1.ObjectIdentifier{2, 5, 4, 11}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "CN", long: "commonName", oid: asn1.ObjectIdentifier{2, 5, 4, 3}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "emailAddress", long: "emailAddress", oid: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, tag: asn1.TagIA5String, maxLen: 255},
	{short: "serialNumber", long: "serialNumber", oid: asn1.ObjectIdentifier{2, 5, 4, 5}, tag: asn1.TagPrintableString, maxLen: 64},
	{short: "DC", long: "domainComponent", oid: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}, tag: asn1.TagIA5String, maxLen: 63},
	{short: "UID", long: "userId", oid: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, tag: asn1.TagUTF8String, maxLen: 256},
	{short: "street", long: "streetAddress", oid: asn1.ObjectIdentifier{2, 5, 4, 9}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "title", long: "title", oid: asn1.ObjectIdentifier{2, 5, 4, 12}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "GN", long: "givenName", oid: asn1.ObjectIdentifier{2, 5, 4, 42}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "SN", long: "surname", oid: asn1.ObjectIdentifier{2, 5, 4, 4}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "initials", long: "initials", oid: asn1.ObjectIdentifier{2, 5, 4, 43}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "generationQualifier", long: "generationQualifier", oid: asn1.ObjectIdentifier{2, 5, 4, 44}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "dnQualifier", long: "dnQualifier", oid: asn1.ObjectIdentifier{2, 5, 4, 46}, tag: asn1.TagPrintableString, maxLen: 64},
	{short: "pseudonym", long: "pseudonym", oid: asn1.ObjectIdentifier{2, 5, 4, 65}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "name", long: "name", oid: asn1.ObjectIdentifier{2, 5, 4, 41}, tag: asn1.TagUTF8String, maxLen: 64},
	{short: "description", long: "description", oid: asn1.ObjectIdentifier{2, 5, 4, 13}, tag: asn1.TagUTF8String, maxLen: 1024},
	{short: "businessCategory", long: "businessCategory", oid: asn1.ObjectIdentifier{2, 5, 4, 15}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "postalCode", long: "postalCode", oid: asn1.ObjectIdentifier{2, 5, 4, 17}, tag: asn1.TagUTF8String, maxLen: 16},
	{short: "organizationIdentifier", long: "organizationIdentifier", oid: asn1.ObjectIdentifier{2, 5, 4, 97}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "role", long: "role", oid: asn1.ObjectIdentifier{2, 5, 4, 72}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "jurisdictionC", long: "jurisdictionCountryName", oid: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}, tag: asn1.TagPrintableString, minLen: 2, maxLen: 2},
	{short: "jurisdictionST", long: "jurisdictionStateOrProvinceName", oid: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "jurisdictionL", long: "jurisdictionLocalityName", oid: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1}, tag: asn1.TagUTF8String, maxLen: 128},
	{short: "unstructuredName", long: "unstructuredName", oid: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 2}, display: true},
	{short: "x500UniqueIdentifier", long: "x500UniqueIdentifier", oid: asn1.ObjectIdentifier{2, 5, 4, 45}, display: true},
	{short: "postalAddress", long: "postalAddress", oid: asn1.ObjectIdentifier{2, 5, 4, 16}, display: true},
	{short: "postOfficeBox", long: "postOfficeBox", oid: asn1.ObjectIdentifier{2, 5, 4, 18}, display: true},
	{short: "telephoneNumber", long: "telephoneNumber", oid: asn1.ObjectIdentifier{2, 5, 4, 20}, display: true},
}

// attributeByName finds an attribute by its openssl short or long name.
// openssl matches these names case-sensitively; pgcert does not, because
// "cn=db" is far more likely a slip than a request for an unknown attribute,
// and no two known names differ only in case.
func attributeByName(name string) (attribute, bool) {
	for _, a := range attributes {
		if !a.display && (strings.EqualFold(a.short, name) || strings.EqualFold(a.long, name)) {
			return a, true
		}
	}
	return attribute{}, false
}

// attributeByOID finds an attribute by its object identifier.
func attributeByOID(oid asn1.ObjectIdentifier) (attribute, bool) {
	for _, a := range attributes {
		if a.oid.Equal(oid) {
			return a, true
		}
	}
	return attribute{}, false
}
