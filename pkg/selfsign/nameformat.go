package selfsign

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// nameEntry is one attribute of a DER Name, with the index of its RDN.
type nameEntry struct {
	rdn   int
	oid   asn1.ObjectIdentifier
	value asn1.RawValue
}

// parseName splits a DER Name into its attributes, in encoding order.
func parseName(der []byte) ([]nameEntry, error) {
	var rdns []asn1.RawValue
	rest, err := asn1.Unmarshal(der, &rdns)
	if err != nil {
		return nil, fmt.Errorf("selfsign: malformed name: %w", err)
	}
	if len(rest) != 0 {
		return nil, errors.New("selfsign: malformed name: trailing data")
	}
	var entries []nameEntry
	for i, set := range rdns {
		if set.Class != asn1.ClassUniversal || set.Tag != asn1.TagSet || !set.IsCompound {
			return nil, errors.New("selfsign: malformed name: RDN is not a SET")
		}
		body := set.Bytes
		for len(body) > 0 {
			var atv struct {
				Type  asn1.ObjectIdentifier
				Value asn1.RawValue
			}
			body, err = asn1.Unmarshal(body, &atv)
			if err != nil {
				return nil, fmt.Errorf("selfsign: malformed name attribute: %w", err)
			}
			entries = append(entries, nameEntry{rdn: i, oid: atv.Type, value: atv.Value})
		}
	}
	return entries, nil
}

// Flags of OpenSSL's name printer (crypto/asn1/a_strex.c) that pgcert uses.
const (
	escRFC2253 = 0x01 // ASN1_STRFLGS_ESC_2253
	escCtrl    = 0x02 // ASN1_STRFLGS_ESC_CTRL
	escMSB     = 0x04 // ASN1_STRFLGS_ESC_MSB
	escQuote   = 0x08 // ASN1_STRFLGS_ESC_QUOTE
	firstEsc   = 0x20 // CHARTYPE_FIRST_ESC_2253
	lastEsc    = 0x40 // CHARTYPE_LAST_ESC_2253
	bsEsc      = escRFC2253 | firstEsc | lastEsc
)

// charType is OpenSSL's table of how each ASCII character is escaped
// (crypto/asn1/charmap.h), reduced to the bits above.
var charType = func() (t [128]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = escCtrl
	}
	t[0x7f] = escCtrl
	t[' '] = escQuote | firstEsc | lastEsc
	t['#'] = escQuote | firstEsc
	for _, c := range ",+<>;" {
		t[c] = escQuote | escRFC2253
	}
	t['"'] = escRFC2253
	t['\\'] = escRFC2253
	return t
}()

// nameStyle is one of OpenSSL's X509_NAME_print_ex layouts.
type nameStyle struct {
	sepRDN, sepMulti, sepEq string
	flags                   uint8
	reverse                 bool
	dumpUnknownFields       bool
}

var (
	// onelineStyle is XN_FLAG_ONELINE, what openssl 3 prints by default.
	onelineStyle = nameStyle{sepRDN: ", ", sepMulti: " + ", sepEq: " = ", flags: escRFC2253 | escCtrl | escMSB | escQuote}
	// rfc2253Style is XN_FLAG_RFC2253, what the PostgreSQL server uses for
	// clientname=DN.
	rfc2253Style = nameStyle{sepRDN: ",", sepMulti: "+", sepEq: "=", flags: escRFC2253 | escCtrl | escMSB, reverse: true, dumpUnknownFields: true}
)

// FormatSubject renders a DER Name the way openssl 3 prints subjects and
// issuers by default (-nameopt oneline): "C = US, O = Acme, CN = db", with
// " + " between the members of a multi-valued RDN, values holding , + < > ;
// or a leading # or space, or a leading or trailing space, put in double
// quotes, and control characters and every byte of a non-ASCII character
// escaped as \XX. The escaping keeps a hostile name from writing terminal
// control sequences, and the output is byte for byte what openssl prints, so
// the two can be compared.
func FormatSubject(der []byte) (string, error) {
	return formatName(der, onelineStyle)
}

// FormatRFC2253 renders a DER Name as the PostgreSQL server does for
// pg_hba.conf's clientname=DN (X509_NAME_print_ex with XN_FLAG_RFC2253): the
// RDNs in reverse order, "CN=alice,O=Acme,C=US", with RFC 2253 backslash
// escapes, non-ASCII bytes as \XX, and attributes OpenSSL does not know as
// "1.2.3.4=#<hex DER>". A pg_ident.conf entry must match this string.
func FormatRFC2253(der []byte) (string, error) {
	return formatName(der, rfc2253Style)
}

func formatName(der []byte, st nameStyle) (string, error) {
	entries, err := parseName(der)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := range entries {
		e := entries[i]
		if st.reverse {
			e = entries[len(entries)-1-i]
		}
		if i > 0 {
			prev := entries[i-1]
			if st.reverse {
				prev = entries[len(entries)-i]
			}
			if prev.rdn == e.rdn {
				b.WriteString(st.sepMulti)
			} else {
				b.WriteString(st.sepRDN)
			}
		}
		a, known := attributeByOID(e.oid)
		if known {
			b.WriteString(a.short)
		} else {
			b.WriteString(e.oid.String())
		}
		b.WriteString(st.sepEq)
		if !known && st.dumpUnknownFields {
			b.WriteString(hexDump(e.value.FullBytes))
			continue
		}
		v, err := formatValue(e.value, st.flags)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// hexDump is OpenSSL's "#" followed by upper-case hex.
func hexDump(b []byte) string {
	return "#" + strings.ToUpper(fmt.Sprintf("%x", b))
}

// formatValue renders one attribute value as OpenSSL's do_print_ex does with
// ASN1_STRFLGS_UTF8_CONVERT and ASN1_STRFLGS_DUMP_UNKNOWN|DUMP_DER.
func formatValue(v asn1.RawValue, flags uint8) (string, error) {
	width := -1
	if v.Class == asn1.ClassUniversal && !v.IsCompound {
		switch v.Tag {
		case asn1.TagUTF8String:
			width = 0
		case asn1.TagNumericString, asn1.TagPrintableString, asn1.TagT61String, asn1.TagIA5String,
			asn1.TagUTCTime, asn1.TagGeneralizedTime, 26:
			width = 1
		case 28:
			width = 4
		case asn1.TagBMPString:
			width = 2
		}
	}
	if width < 0 {
		return hexDump(v.FullBytes), nil
	}
	// OpenSSL reads a UTF8String byte by byte (it is already UTF-8) and
	// converts every other type to UTF-8 before escaping.
	var units [][]byte
	data := v.Bytes
	switch width {
	case 0:
		for i := range data {
			units = append(units, data[i:i+1])
		}
	case 1:
		for _, c := range data {
			units = append(units, utf8.AppendRune(nil, rune(c)))
		}
	default:
		if len(data)%width != 0 {
			return "", fmt.Errorf("selfsign: malformed name: string of %d bytes is not a multiple of %d", len(data), width)
		}
		for i := 0; i < len(data); i += width {
			var r rune
			for _, c := range data[i : i+width] {
				r = r<<8 | rune(c)
			}
			if r < 0 || r > utf8.MaxRune {
				return "", fmt.Errorf("selfsign: malformed name: character %#x is out of range", uint32(r))
			}
			units = append(units, utf8.AppendRune(nil, r))
		}
	}
	var out strings.Builder
	quotes := false
	for i, u := range units {
		var or uint8
		if i == 0 {
			or = firstEsc
		}
		if i == len(units)-1 {
			or = lastEsc
		}
		for _, c := range u {
			if escapeChar(&out, c, flags|or) {
				quotes = true
			}
		}
	}
	if quotes {
		return `"` + out.String() + `"`, nil
	}
	return out.String(), nil
}

// escapeChar writes c as OpenSSL's do_esc_char does and reports whether the
// value needs enclosing quotes instead of a backslash.
func escapeChar(out *strings.Builder, c byte, flags uint8) bool {
	var ch uint8
	if c > 0x7f {
		ch = flags & escMSB
	} else {
		ch = charType[c] & flags
	}
	switch {
	case ch&bsEsc != 0 && ch&escQuote != 0:
		out.WriteByte(c)
		return true
	case ch&bsEsc != 0:
		out.WriteByte('\\')
		out.WriteByte(c)
	case ch&(escCtrl|escMSB) != 0:
		fmt.Fprintf(out, "\\%02X", c)
	default:
		out.WriteByte(c)
	}
	return false
}
