package x509name

import (
	"bytes"
	"sort"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Equal reports whether two DER-encoded names are equal the way OpenSSL's
// X509_NAME_cmp decides, which is how OpenSSL (and so libpq and the server) pairs a
// certificate with its issuer, a CRL with its CA and a distribution point with another:
// on the canonical form of the names, so that "CN=Example Root" in a PrintableString and
// "cn=example  root" in a UTF8String name the same CA. Names that cannot be
// canonicalized are equal only byte for byte.
func Equal(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	ca, okA := canonicalCached(a)
	cb, okB := canonicalCached(b)
	return okA && okB && bytes.Equal(ca, cb)
}

// Canonical returns OpenSSL's canonical encoding of the DER Name raw (x509_name_canon),
// the form X509_NAME_cmp compares and X509_NAME_hash hashes: every string value
// re-encoded as a UTF8String, ASCII-lowercased, with leading and trailing white space
// dropped and inner runs of white space collapsed to one space; each RDN's SET
// re-encoded (sorted), and the SETs concatenated without the outer SEQUENCE. It reports
// false for a name OpenSSL could not canonicalize either.
func Canonical(raw []byte) ([]byte, bool) {
	return canonicalCached(raw)
}

// canonCache remembers canonical names: path building and verification compare each
// name with every certificate of a trust bundle, and canonicalizing is most of that
// work. It is emptied when full, which bounds it to a few hundred kilobytes.
var canonCache = struct {
	sync.Mutex
	m map[string]canonEntry
}{m: map[string]canonEntry{}}

type canonEntry struct {
	canon []byte
	ok    bool
}

const canonCacheSize = 4096

func canonicalCached(raw []byte) ([]byte, bool) {
	canonCache.Lock()
	e, found := canonCache.m[string(raw)]
	canonCache.Unlock()
	if found {
		return e.canon, e.ok
	}
	canon, ok := canonicalName(raw)
	canonCache.Lock()
	if len(canonCache.m) >= canonCacheSize {
		clear(canonCache.m)
	}
	canonCache.m[string(raw)] = canonEntry{canon, ok}
	canonCache.Unlock()
	return canon, ok
}

// canonicalName computes Canonical without the cache.
func canonicalName(raw []byte) ([]byte, bool) {
	in := cryptobyte.String(raw)
	var rdns cryptobyte.String
	if !in.ReadASN1(&rdns, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	var out cryptobyte.Builder
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, cbasn1.SET) {
			return nil, false
		}
		var atvs [][]byte
		for !set.Empty() {
			var atv, oid cryptobyte.String
			var value cryptobyte.String
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) ||
				!atv.ReadASN1Element(&oid, cbasn1.OBJECT_IDENTIFIER) ||
				!atv.ReadAnyASN1Element(&value, &tag) || !atv.Empty() {
				return nil, false
			}
			text, isString, ok := canonicalString(value, tag)
			if !ok {
				return nil, false
			}
			var b cryptobyte.Builder
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(oid)
				if isString {
					b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes(text) })
				} else {
					b.AddBytes(value)
				}
			})
			enc, err := b.Bytes()
			if err != nil {
				return nil, false
			}
			atvs = append(atvs, enc)
		}
		if len(atvs) == 0 {
			// OpenSSL builds the canonical form from the entries of the name, so an
			// empty SET leaves no trace.
			continue
		}
		sort.Slice(atvs, func(i, j int) bool { return bytes.Compare(atvs[i], atvs[j]) < 0 })
		out.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, a := range atvs {
				b.AddBytes(a)
			}
		})
	}
	enc, err := out.Bytes()
	return enc, err == nil
}

// canonicalString canonicalizes one attribute value if it is one of the string types
// OpenSSL canonicalizes (ASN1_MASK_CANON): isString is false for other types, which are
// compared as they are, and ok is false for a string OpenSSL could not convert.
func canonicalString(elem cryptobyte.String, tag cbasn1.Tag) (canon []byte, isString, ok bool) {
	var body cryptobyte.String
	if !elem.ReadASN1(&body, tag) {
		return nil, false, false
	}
	if !canonTags[tag] {
		return nil, false, true
	}
	text, ok := stringValue(body, tag)
	if !ok {
		return nil, true, false
	}
	// OpenSSL's ossl_isspace: the ASCII white space characters only.
	isSpace := func(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
	start, end := 0, len(text)
	for start < end && isSpace(text[start]) {
		start++
	}
	for end > start && isSpace(text[end-1]) {
		end--
	}
	out := make([]byte, 0, end-start)
	for i := start; i < end; i++ {
		c := text[i]
		switch {
		case isSpace(c):
			out = append(out, ' ')
			for i+1 < end && isSpace(text[i+1]) {
				i++
			}
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		default:
			out = append(out, c)
		}
	}
	return out, true, true
}

const (
	tagT61       = cbasn1.Tag(20)
	tagVisible   = cbasn1.Tag(26)
	tagUniversal = cbasn1.Tag(28)
	tagBMP       = cbasn1.Tag(30)
)

// canonTags are the string types OpenSSL's ASN1_MASK_CANON selects.
var canonTags = map[cbasn1.Tag]bool{
	cbasn1.UTF8String: true, cbasn1.PrintableString: true, cbasn1.IA5String: true,
	tagT61: true, tagVisible: true, tagUniversal: true, tagBMP: true,
}

// stringValue converts a string attribute to UTF-8 the way ASN1_STRING_to_UTF8 does:
// one byte per character for the 8-bit types, UCS-2 and UCS-4 big-endian for BMPString
// and UniversalString.
func stringValue(body []byte, tag cbasn1.Tag) ([]byte, bool) {
	switch tag {
	case cbasn1.UTF8String:
		return body, utf8.Valid(body)
	case cbasn1.PrintableString, cbasn1.IA5String, tagT61, tagVisible:
		out := make([]byte, 0, len(body))
		for _, c := range body {
			out = utf8.AppendRune(out, rune(c))
		}
		return out, true
	case tagBMP:
		if len(body)%2 != 0 {
			return nil, false
		}
		out := make([]byte, 0, len(body))
		for i := 0; i < len(body); i += 2 {
			r := rune(body[i])<<8 | rune(body[i+1])
			// A surrogate is no character: OpenSSL 3's conversion refuses it.
			if !utf8.ValidRune(r) {
				return nil, false
			}
			out = utf8.AppendRune(out, r)
		}
		return out, true
	case tagUniversal:
		if len(body)%4 != 0 {
			return nil, false
		}
		out := make([]byte, 0, len(body))
		for i := 0; i < len(body); i += 4 {
			r := rune(body[i])<<24 | rune(body[i+1])<<16 | rune(body[i+2])<<8 | rune(body[i+3])
			if !utf8.ValidRune(r) {
				return nil, false
			}
			out = utf8.AppendRune(out, r)
		}
		return out, true
	}
	return nil, false
}
