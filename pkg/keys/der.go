package keys

import (
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// derKind is what a DER structure looks like from its outline. The outline is enough
// to tell apart the objects people mistake for keys; the parsers check the rest.
type derKind int

const (
	derNone derKind = iota // not one complete DER SEQUENCE
	derUnknown
	derPKCS8
	derEncryptedPKCS8
	derPKCS1
	derSEC1
	derDSA
	derPKCS1Public
	derPublicKey
	derSigned // certificate, certificate request or CRL
	derPKCS12
	derContentInfo
)

// classifyDER returns what kind of object der is, judged by the tags of the first
// elements of its outer SEQUENCE.
func classifyDER(der []byte) derKind {
	input := cryptobyte.String(der)
	var seq cryptobyte.String
	if !input.ReadASN1(&seq, cbasn1.SEQUENCE) || !input.Empty() {
		return derNone
	}
	switch {
	case seq.PeekASN1Tag(cbasn1.INTEGER):
		var version cryptobyte.String
		if !seq.ReadASN1(&version, cbasn1.INTEGER) {
			return derUnknown
		}
		v := -1
		if len(version) == 1 {
			v = int(version[0])
		}
		switch {
		case seq.PeekASN1Tag(cbasn1.SEQUENCE) && (v == 0 || v == 1):
			return derPKCS8
		case seq.PeekASN1Tag(cbasn1.SEQUENCE) && v == 3:
			return derPKCS12
		case seq.PeekASN1Tag(cbasn1.OCTET_STRING) && v == 1:
			return derSEC1
		case seq.PeekASN1Tag(cbasn1.INTEGER) && v == 0:
			n := 1
			for seq.PeekASN1Tag(cbasn1.INTEGER) && seq.SkipASN1(cbasn1.INTEGER) {
				n++
			}
			switch n {
			case 9:
				return derPKCS1
			case 6:
				return derDSA
			}
			return derUnknown
		case seq.PeekASN1Tag(cbasn1.INTEGER):
			if seq.SkipASN1(cbasn1.INTEGER) && seq.Empty() {
				return derPKCS1Public
			}
		}
	case seq.PeekASN1Tag(cbasn1.SEQUENCE):
		var first cryptobyte.String
		if !seq.ReadASN1(&first, cbasn1.SEQUENCE) {
			return derUnknown
		}
		switch {
		case seq.PeekASN1Tag(cbasn1.OCTET_STRING) && first.PeekASN1Tag(cbasn1.OBJECT_IDENTIFIER):
			return derEncryptedPKCS8
		case seq.PeekASN1Tag(cbasn1.BIT_STRING):
			if seq.SkipASN1(cbasn1.BIT_STRING) && seq.Empty() {
				return derPublicKey
			}
		case seq.PeekASN1Tag(cbasn1.SEQUENCE):
			if seq.SkipASN1(cbasn1.SEQUENCE) && seq.PeekASN1Tag(cbasn1.BIT_STRING) {
				return derSigned
			}
		}
	case seq.PeekASN1Tag(cbasn1.OBJECT_IDENTIFIER):
		return derContentInfo
	}
	return derUnknown
}
