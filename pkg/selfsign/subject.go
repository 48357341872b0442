package selfsign

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SubjectError reports a subject that ParseSubject or MarshalSubject cannot
// use. Part is the offending piece of the input ("FOO=bar", "C=USA"), empty
// when the subject as a whole is wrong.
type SubjectError struct {
	Part   string
	Reason string
}

// Error says which part of the subject is wrong and why.
func (e *SubjectError) Error() string {
	if e.Part == "" {
		return "selfsign: invalid subject: " + e.Reason
	}
	part := e.Part
	if len(part) > maxPartShown {
		// A part of absurd size (a 100 KB name) is named, not printed.
		part = fmt.Sprintf("%s... (%d bytes)", strings.ToValidUTF8(part[:maxPartShown], ""), len(part))
	}
	return fmt.Sprintf("selfsign: invalid subject at %q: %s", part, e.Reason)
}

// maxPartShown is how much of an offending part of a subject an error quotes.
const maxPartShown = 80

// ParseSubject reads a distinguished name in the syntax of openssl's -subj
// option: "/type0=value0/type1=value1/...", where a backslash escapes the
// character after it ("\/" is a slash inside a value, "\+" a plus sign) and an
// unescaped "+" joins the next attribute to the same, multi-valued RDN
// ("/CN=a+OU=b"). Types are openssl's short or long names (C, ST, L, O, OU, CN,
// emailAddress, serialNumber, DC, UID, street, title, GN, SN, ...; see the
// package's attribute table), matched without regard to case, or dotted object
// identifiers ("2.5.4.3"), which openssl itself only knows when registered.
//
// The result keeps the RDNs in the order given, as openssl does: the first RDN
// is the first element of the sequence, and DER encodes it first (the members
// of a multi-valued RDN are a DER SET, sorted by encoding, as openssl writes
// them too). Values are Go strings; MarshalSubject gives them the ASN.1 string
// types openssl would.
//
// Like openssl, an attribute with an empty value ("/O=/CN=db") is skipped, so
// that scripts filling a template with optional fields keep working, and "/"
// alone is the empty name. Unlike openssl, which warns and drops unknown types,
// an unknown type is an error: a mistyped attribute silently missing from a
// certificate is worse than a refusal. Input is read as UTF-8 (openssl's -utf8).
// Values are checked against their type: C is two upper-case letters, length
// limits are RFC 5280's, and control characters are refused.
func ParseSubject(s string) (pkix.RDNSequence, error) {
	if !strings.HasPrefix(s, "/") {
		return nil, &SubjectError{Reason: fmt.Sprintf("%q does not start with \"/\"; the form is /type0=value0/type1=value1/...", s)}
	}
	if !utf8.ValidString(s) {
		return nil, &SubjectError{Reason: "not valid UTF-8"}
	}
	var rdns pkix.RDNSequence
	joinNext := false
	i := 1
	for i < len(s) {
		start := i
		multi := joinNext
		joinNext = false

		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return nil, &SubjectError{Part: s[start:], Reason: "missing \"=\" after the attribute type"}
		}
		typ := s[i : i+eq]
		i += eq + 1

		var value strings.Builder
		for i < len(s) && s[i] != '/' {
			c := s[i]
			if c == '+' {
				joinNext = true
				break
			}
			if c == '\\' {
				i++
				if i == len(s) {
					return nil, &SubjectError{Part: s[start:], Reason: "escape character at the end of the subject"}
				}
				c = s[i]
			}
			value.WriteByte(c)
			i++
		}
		part := s[start:i]
		if i < len(s) {
			i++
		}

		oid, attr, err := lookupType(typ)
		if err != nil {
			return nil, &SubjectError{Part: part, Reason: err.Error()}
		}
		if value.Len() == 0 {
			continue
		}
		v := value.String()
		if err := checkValue(attr, v); err != nil {
			return nil, &SubjectError{Part: part, Reason: err.Error()}
		}
		atv := pkix.AttributeTypeAndValue{Type: oid, Value: v}
		if multi && len(rdns) > 0 {
			rdns[len(rdns)-1] = append(rdns[len(rdns)-1], atv)
		} else {
			rdns = append(rdns, pkix.RelativeDistinguishedNameSET{atv})
		}
	}
	return rdns, nil
}

// lookupType resolves an attribute type written as a name or a dotted OID.
// Dotted OIDs pgcert has no entry for get a zero attribute: UTF8String values
// of any length.
func lookupType(typ string) (asn1.ObjectIdentifier, attribute, error) {
	if typ == "" {
		return nil, attribute{}, errors.New("empty attribute type")
	}
	if a, ok := attributeByName(typ); ok {
		return a.oid, a, nil
	}
	if typ[0] >= '0' && typ[0] <= '9' {
		oid, err := parseOID(typ)
		if err != nil {
			return nil, attribute{}, err
		}
		if a, ok := attributeByOID(oid); ok {
			if a.display {
				return nil, attribute{}, fmt.Errorf("%s (%s) values are not plain strings; pgcert does not write them", a.long, typ)
			}
			return oid, a, nil
		}
		return oid, attribute{tag: asn1.TagUTF8String}, nil
	}
	return nil, attribute{}, fmt.Errorf("unknown attribute type %q", typ)
}

// parseOID reads a dotted object identifier, with the constraints of X.660:
// at least two arcs, the first 0, 1 or 2, the second below 40 under 0 and 1.
func parseOID(s string) (asn1.ObjectIdentifier, error) {
	fields := strings.Split(s, ".")
	if len(fields) < 2 {
		return nil, fmt.Errorf("%q is not an object identifier: it needs at least two arcs", s)
	}
	oid := make(asn1.ObjectIdentifier, len(fields))
	for i, f := range fields {
		if f == "" || (len(f) > 1 && f[0] == '0') || strings.TrimLeft(f, "0123456789") != "" {
			return nil, fmt.Errorf("%q is not an object identifier", s)
		}
		n, err := strconv.ParseUint(f, 10, 31)
		if err != nil {
			return nil, fmt.Errorf("%q is not an object identifier: arc %q is too large", s, f)
		}
		oid[i] = int(n)
	}
	if oid[0] > 2 || (oid[0] < 2 && oid[1] >= 40) {
		return nil, fmt.Errorf("%q is not an object identifier: arcs %d.%d do not exist", s, oid[0], oid[1])
	}
	return oid, nil
}

// checkValue says why v cannot be a value of attribute a, or nil.
func checkValue(a attribute, v string) error {
	if !utf8.ValidString(v) {
		return errors.New("value is not valid UTF-8")
	}
	for _, r := range v {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return fmt.Errorf("value contains the control character %U", r)
		}
	}
	n := utf8.RuneCountInString(v)
	if a.minLen > 0 && a.minLen == a.maxLen && n != a.minLen {
		return fmt.Errorf("value must be exactly %d characters long", a.minLen)
	}
	if n < a.minLen {
		return fmt.Errorf("value must be at least %d characters long", a.minLen)
	}
	if a.maxLen > 0 && n > a.maxLen {
		return fmt.Errorf("value is %d characters long, more than the %d RFC 5280 allows", n, a.maxLen)
	}
	switch a.tag {
	case asn1.TagPrintableString:
		for _, r := range v {
			if !isPrintable(r) {
				return fmt.Errorf("%q is not allowed in a PrintableString (letters, digits, space and '()+,-./:=?)", r)
			}
		}
		if a.minLen == 2 && a.maxLen == 2 && strings.ToUpper(v) != v {
			return errors.New("a country code is two upper-case letters")
		}
	case asn1.TagIA5String:
		for _, r := range v {
			if r > 0x7f {
				return fmt.Errorf("%q is not ASCII, which this attribute requires", r)
			}
		}
	}
	return nil
}

// isPrintable reports whether r belongs to ASN.1's PrintableString alphabet.
func isPrintable(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune(" '()+,-./:=?", r)
}

// MarshalSubject encodes rdns as a DER Name with the string types openssl
// writes: PrintableString for C, serialNumber, dnQualifier and
// jurisdictionC, IA5String for emailAddress and DC, UTF8String for every other
// attribute (RFC 5280's recommendation), in the order rdns lists them. String
// values are checked as ParseSubject checks them, so a subject built as a
// pkix.Name gets the same scrutiny; values that are not strings (an
// asn1.RawValue, say) are written unchanged.
func MarshalSubject(rdns pkix.RDNSequence) ([]byte, error) {
	out := make(pkix.RDNSequence, len(rdns))
	for i, rdn := range rdns {
		if len(rdn) == 0 {
			return nil, &SubjectError{Reason: fmt.Sprintf("RDN %d is empty", i+1)}
		}
		set := make(pkix.RelativeDistinguishedNameSET, len(rdn))
		for j, atv := range rdn {
			set[j] = atv
			s, ok := atv.Value.(string)
			if !ok {
				continue
			}
			a, known := attributeByOID(atv.Type)
			if known && a.display {
				return nil, &SubjectError{Part: a.short + "=" + s, Reason: "pgcert does not write " + a.long + " values"}
			}
			if !known {
				a = attribute{tag: asn1.TagUTF8String}
			}
			if err := checkValue(a, s); err != nil {
				return nil, &SubjectError{Part: attributeName(atv.Type) + "=" + s, Reason: err.Error()}
			}
			set[j].Value = asn1.RawValue{Tag: a.tag, Bytes: []byte(s)}
		}
		out[i] = set
	}
	der, err := asn1.Marshal(out)
	if err != nil {
		return nil, &SubjectError{Reason: err.Error()}
	}
	return der, nil
}

// attributeName is openssl's short name for oid, or the dotted OID.
func attributeName(oid asn1.ObjectIdentifier) string {
	if a, ok := attributeByOID(oid); ok {
		return a.short
	}
	return oid.String()
}

// checkRawSubject applies ParseSubject's value checks to a DER Name from
// elsewhere (a request), so that a certificate never carries a subject
// pgcert would refuse to write: over-long values, control characters, a
// malformed country code. Values of types other than the common string
// types are left alone.
func checkRawSubject(der []byte) error {
	entries, err := parseName(der)
	if err != nil {
		return &SubjectError{Reason: err.Error()}
	}
	for _, e := range entries {
		a, known := attributeByOID(e.oid)
		if !known || a.display || e.value.Class != asn1.ClassUniversal {
			continue
		}
		var v string
		switch e.value.Tag {
		case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String:
			v = string(e.value.Bytes)
		default:
			continue
		}
		if err := checkValue(a, v); err != nil {
			return &SubjectError{Part: a.short + "=" + v, Reason: err.Error()}
		}
	}
	return nil
}
