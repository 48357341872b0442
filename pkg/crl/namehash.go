package crl

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ErrNameHash is wrapped by NameHash's errors: the name is not DER, or holds a
// string OpenSSL cannot convert to UTF-8 (and so would not load either).
var ErrNameHash = errors.New("crl: cannot hash name")

// String types OpenSSL canonicalises (ASN1_MASK_CANON in crypto/x509/x_name.c), with
// the width of a character in bytes; 0 is UTF-8.
var canonWidth = map[asn1.Tag]int{
	asn1.UTF8String:      0,
	asn1.PrintableString: 1,
	asn1.T61String:       1,
	asn1.IA5String:       1,
	asn1.Tag(26):         1, // VisibleString
	asn1.Tag(28):         4, // UniversalString
	asn1.Tag(30):         2, // BMPString
}

// NameHash returns OpenSSL's hash of a DER Name (X509_NAME_hash_ex, what
// `openssl x509 -subject_hash` and `openssl crl -hash` print), which names the files
// of a hashed certificate or CRL directory such as PostgreSQL's ssl_crl_dir: for a
// CRL, hash its issuer (RawIssuer).
//
// The hash is taken over OpenSSL's canonical form of the name (x509_name_canon): every
// RDN SET re-encoded with its string values converted to UTF8String, ASCII letters
// lowered, leading and trailing whitespace removed and inner runs of whitespace
// collapsed to one space (whitespace being space, \t, \n, \v, \f and \r; non-ASCII
// bytes are kept as they are), values of other types kept as they are, the members of
// each SET sorted again as DER requires, and the SETs concatenated without the
// outer SEQUENCE. SHA-1 is used because the directory format is defined with it; it
// names files and protects nothing. The result is the first four bytes of the digest
// read little-endian; print it with %08x.
func NameHash(rawName []byte) (uint32, error) {
	in := cryptobyte.String(rawName)
	var rdns cryptobyte.String
	if !in.ReadASN1(&rdns, asn1.SEQUENCE) || !in.Empty() {
		return 0, fmt.Errorf("%w: not a DER Name", ErrNameHash)
	}
	h := sha1.New()
	var members [][]byte
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, asn1.SET) {
			return 0, fmt.Errorf("%w: bad RDN", ErrNameHash)
		}
		members = members[:0]
		size := 0
		for !set.Empty() {
			var atv, oid, value cryptobyte.String
			var tag asn1.Tag
			if !set.ReadASN1(&atv, asn1.SEQUENCE) || !atv.ReadASN1Element(&oid, asn1.OBJECT_IDENTIFIER) ||
				!atv.ReadAnyASN1Element(&value, &tag) || !atv.Empty() {
				return 0, fmt.Errorf("%w: bad attribute", ErrNameHash)
			}
			if width, ok := canonWidth[tag]; ok {
				var content cryptobyte.String
				value.ReadAnyASN1(&content, &tag)
				s, err := toUTF8(content, width)
				if err != nil {
					return 0, err
				}
				value = appendHeaderBytes(nil, byte(asn1.UTF8String), canonicalize(s))
			}
			member := appendHeaderBytes(nil, tagSequence, append(append([]byte{}, oid...), value...))
			members = append(members, member)
			size += len(member)
		}
		if len(members) == 0 {
			// OpenSSL builds the canonical form from the entries of the name, so an
			// empty SET leaves no trace.
			continue
		}
		slices.SortFunc(members, bytes.Compare)
		h.Write(appendHeader(nil, 0x31, size))
		for _, m := range members {
			h.Write(m)
		}
	}
	sum := h.Sum(nil)
	return binary.LittleEndian.Uint32(sum[:4]), nil
}

func appendHeaderBytes(dst []byte, tag byte, content []byte) []byte {
	return append(appendHeader(dst, tag, len(content)), content...)
}

// toUTF8 converts a string value of the given character width to UTF-8, refusing
// what OpenSSL's ASN1_STRING_to_UTF8 refuses: invalid UTF-8, a length that is not a
// multiple of the width, surrogates and code points above U+10FFFF.
func toUTF8(b []byte, width int) ([]byte, error) {
	switch width {
	case 0:
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("%w: invalid UTF8String", ErrNameHash)
		}
		return b, nil
	case 1:
		out := make([]byte, 0, len(b))
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return out, nil
	}
	if len(b)%width != 0 {
		return nil, fmt.Errorf("%w: string length %d is not a multiple of %d", ErrNameHash, len(b), width)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i += width {
		var r uint32
		for _, c := range b[i : i+width] {
			r = r<<8 | uint32(c)
		}
		if r > utf8.MaxRune || r >= 0xd800 && r <= 0xdfff {
			return nil, fmt.Errorf("%w: character U+%04X is not Unicode", ErrNameHash, r)
		}
		out = utf8.AppendRune(out, rune(r))
	}
	return out, nil
}

// isSpace is OpenSSL's ossl_isspace: ASCII whitespace only.
func isSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

// canonicalize is OpenSSL's asn1_string_canon on UTF-8 bytes.
func canonicalize(s []byte) []byte {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x80:
			out = append(out, c)
			i++
		case isSpace(c):
			out = append(out, ' ')
			for i < len(s) && isSpace(s[i]) {
				i++
			}
		default:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
			i++
		}
	}
	return out
}
