package x509name_test

import (
	"encoding/asn1"
	"encoding/hex"
	"fmt"

	"github.com/pgcert/pgcert/pkg/x509name"
)

// name is the DER Name of one CN attribute whose value has the ASN.1 string type tag.
func name(tag int, cn string) []byte {
	v, _ := asn1.Marshal(asn1.RawValue{Tag: tag, Bytes: []byte(cn)})
	oid, _ := asn1.Marshal(asn1.ObjectIdentifier{2, 5, 4, 3})
	atv, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: append(oid, v...)})
	set, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: atv})
	der, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: set})
	return der
}

func ExampleEqual() {
	utf8 := name(asn1.TagUTF8String, "Example Root")
	printable := name(asn1.TagPrintableString, "  EXAMPLE   root ")
	other := name(asn1.TagUTF8String, "Example Root 2")
	fmt.Println(x509name.Equal(utf8, printable))
	fmt.Println(x509name.Equal(utf8, other))
	// Output:
	// true
	// false
}

func ExampleCanonical() {
	canon, ok := x509name.Canonical(name(asn1.TagPrintableString, " Example  Root"))
	fmt.Println(ok, hex.EncodeToString(canon))
	// Output:
	// true 3115301306035504030c0c6578616d706c6520726f6f74
}
