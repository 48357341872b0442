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

// CommonNameSANs returns the SANs a request for subject carries when it is
// given none: its first Common Name as a DNS or IP SAN, as NewRequest adds it.
// ok is false when the Common Name is missing or not a host name (a client
// certificate's role name): such a request would name no host for libpq to
// match.
func CommonNameSANs(subject pkix.RDNSequence) (sans SANs, ok bool) {
	for _, rdn := range subject {
		for _, atv := range rdn {
			if !atv.Type.Equal(oidCommonName) {
				continue
			}
			cn, isString := atv.Value.(string)
			if !isString {
				return SANs{}, false
			}
			sans, err := HostSANs([]string{cn})
			return sans, err == nil
		}
	}
	return SANs{}, false
}
