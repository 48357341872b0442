package ca

import (
	encasn1 "encoding/asn1"
	"errors"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// shortNames are OpenSSL's short names (OBJ_nid2sn) for the attributes that appear in
// certificate subjects. An attribute missing here is written as its dotted OID,
// which is what OpenSSL does for the attributes it does not know either.
var shortNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "title",
	"2.5.4.13":                   "description",
	"2.5.4.15":                   "businessCategory",
	"2.5.4.16":                   "postalAddress",
	"2.5.4.17":                   "postalCode",
	"2.5.4.18":                   "postOfficeBox",
	"2.5.4.41":                   "name",
	"2.5.4.42":                   "GN",
	"2.5.4.43":                   "initials",
	"2.5.4.44":                   "generationQualifier",
	"2.5.4.45":                   "x500UniqueIdentifier",
	"2.5.4.46":                   "dnQualifier",
	"2.5.4.65":                   "pseudonym",
	"2.5.4.97":                   "organizationIdentifier",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"1.2.840.113549.1.9.2":       "unstructuredName",
	"1.3.6.1.4.1.311.60.2.1.1":   "jurisdictionL",
	"1.3.6.1.4.1.311.60.2.1.2":   "jurisdictionST",
	"1.3.6.1.4.1.311.60.2.1.3":   "jurisdictionC",
}

// ErrBadName is returned by OneLineName for bytes that are not a DER Name.
var ErrBadName = errors.New("ca: malformed distinguished name")

// OneLineName returns a DER Name (a certificate's RawSubject) in the form openssl ca
// stores in the subject field of index.txt, which is OpenSSL 3's X509_NAME_oneline:
// "/" before each RDN and "+" between the attributes of a multi-valued one, short
// attribute names, the raw bytes of each value with '/' and '+' escaped by a
// backslash and every byte outside printable ASCII written as \xHH (so "Zürich" in
// UTF-8 becomes "Z\xC3\xBCrich", and a BMPString carries \x00 bytes).
func OneLineName(rawName []byte) (string, error) {
	in := cryptobyte.String(rawName)
	var rdns cryptobyte.String
	if !in.ReadASN1(&rdns, asn1.SEQUENCE) || !in.Empty() {
		return "", ErrBadName
	}
	var b strings.Builder
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, asn1.SET) {
			return "", ErrBadName
		}
		for first := true; !set.Empty(); first = false {
			var atv cryptobyte.String
			var oid encasn1.ObjectIdentifier
			var value cryptobyte.String
			var tag asn1.Tag
			if !set.ReadASN1(&atv, asn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) ||
				!atv.ReadAnyASN1(&value, &tag) || !atv.Empty() {
				return "", ErrBadName
			}
			if first {
				b.WriteByte('/')
			} else {
				b.WriteByte('+')
			}
			name, ok := shortNames[oid.String()]
			if !ok {
				name = oid.String()
			}
			b.WriteString(name)
			b.WriteByte('=')
			writeOneLineValue(&b, value)
		}
	}
	return b.String(), nil
}

func writeOneLineValue(b *strings.Builder, v []byte) {
	for _, c := range v {
		switch {
		case c < ' ' || c > '~':
			b.WriteString(`\x`)
			b.WriteByte(hexUpper[c>>4])
			b.WriteByte(hexUpper[c&15])
		case c == '/' || c == '+':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}
