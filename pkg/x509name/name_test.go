package x509name

import (
	"encoding/asn1"
	"testing"
)

func cnName(tag int, value []byte) []byte {
	v, _ := asn1.Marshal(asn1.RawValue{Tag: tag, Bytes: value})
	oid, _ := asn1.Marshal(asn1.ObjectIdentifier{2, 5, 4, 3})
	atv, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: append(oid, v...)})
	set, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: atv})
	der, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: set})
	return der
}

func TestEqual(t *testing.T) {
	base := cnName(asn1.TagUTF8String, []byte("Inter 1"))
	for _, tc := range []struct {
		name string
		der  []byte
		want bool
	}{
		{"same bytes", base, true},
		{"upper case", cnName(asn1.TagUTF8String, []byte("INTER 1")), true},
		{"spaces", cnName(asn1.TagUTF8String, []byte(" \tInter   1  ")), true},
		{"PrintableString", cnName(asn1.TagPrintableString, []byte("Inter 1")), true},
		{"IA5String", cnName(asn1.TagIA5String, []byte("inter 1")), true},
		{"T61String", cnName(asn1.TagT61String, []byte("Inter 1")), true},
		{"BMPString", cnName(asn1.TagBMPString, []byte{0, 'I', 0, 'n', 0, 't', 0, 'e', 0, 'r', 0, ' ', 0, '1'}), true},
		{"another letter", cnName(asn1.TagUTF8String, []byte("Inter 2")), false},
		{"non-ASCII letters keep their case", cnName(asn1.TagUTF8String, []byte("ÍNTER 1")), false},
		{"invalid UTF-8", cnName(asn1.TagUTF8String, []byte{'I', 0xff}), false},
		{"odd BMPString", cnName(asn1.TagBMPString, []byte{0, 'I', 0}), false},
	} {
		if got := Equal(base, tc.der); got != tc.want {
			t.Errorf("%s: Equal = %v, want %v", tc.name, got, tc.want)
		}
	}
	accented := cnName(asn1.TagUTF8String, []byte("Íntér"))
	if !Equal(accented, cnName(asn1.TagBMPString, []byte{0, 0xcd, 0, 'n', 0, 't', 0, 0xe9, 0, 'r'})) {
		t.Error("a BMPString and a UTF8String of the same non-ASCII text differ")
	}
	if _, ok := Canonical([]byte{0x30, 0x03, 0x31}); ok {
		t.Error("Canonical accepts a truncated name")
	}
	// OpenSSL 3 refuses to convert a surrogate, so such a name has no canonical form.
	if _, ok := Canonical(cnName(asn1.TagBMPString, []byte{0xd8, 0x00})); ok {
		t.Error("Canonical accepts a BMPString surrogate")
	}
	// An empty RDN leaves no trace in the canonical form: the name is base's.
	withEmpty := append([]byte{0x30, byte(len(base))}, append([]byte{0x31, 0x00}, base[2:]...)...)
	if !Equal(base, withEmpty) {
		t.Error("an empty RDN changes the canonical form")
	}
}
