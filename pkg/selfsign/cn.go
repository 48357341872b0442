package selfsign

import (
	"crypto/x509/pkix"
	"encoding/asn1"
)

var oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}

// commonName returns the first Common Name of a DER Name, the one libpq
// checks a host name against, or "" when there is none or it is not a plain
// string.
func commonName(der []byte) string {
	entries, err := parseName(der)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.oid.Equal(oidCommonName) {
			switch e.value.Tag {
			case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String, asn1.TagT61String:
				return string(e.value.Bytes)
			}
			return ""
		}
	}
	return ""
}

// isEmptyName reports whether a DER Name has no attributes.
func isEmptyName(der []byte) bool {
	var rdns pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &rdns)
	return err == nil && len(rest) == 0 && len(rdns) == 0
}

// withCommonName returns sans when it names anything; otherwise the SAN the
// Common Name cn implies: an IP SAN for an address, a DNS SAN for a host
// name. ok is false when sans is empty and cn is neither.
func withCommonName(sans SANs, cn string) (out SANs, ok bool) {
	if !sans.Empty() {
		return sans, true
	}
	if cn == "" {
		return sans, false
	}
	if err := out.addHost(cn); err != nil {
		return sans, false
	}
	return out, true
}
