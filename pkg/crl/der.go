package crl

import "time"

// DER tags used when encoding by hand.
const (
	tagInteger         = 0x02
	tagBitString       = 0x03
	tagOctetString     = 0x04
	tagOID             = 0x06
	tagEnumerated      = 0x0a
	tagUTCTime         = 0x17
	tagGeneralizedTime = 0x18
	tagSequence        = 0x30
	tagContext0        = 0xa0
	tagContext0Prim    = 0x80
)

// headerLen is the size of a DER tag and length for n content bytes.
func headerLen(n int) int {
	switch {
	case n < 0x80:
		return 2
	case n < 0x100:
		return 3
	case n < 0x10000:
		return 4
	case n < 0x1000000:
		return 5
	default:
		return 6
	}
}

// appendHeader appends a DER tag and the definite length n.
func appendHeader(dst []byte, tag byte, n int) []byte {
	dst = append(dst, tag)
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n < 0x100:
		return append(dst, 0x81, byte(n))
	case n < 0x10000:
		return append(dst, 0x82, byte(n>>8), byte(n))
	case n < 0x1000000:
		return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(dst, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// integerContentLen is the DER content length of the non-negative integer whose
// magnitude (big-endian, no leading zeros) is mag.
func integerContentLen(mag []byte) int {
	if len(mag) == 0 || mag[0]&0x80 != 0 {
		return len(mag) + 1
	}
	return len(mag)
}

// appendIntegerContent appends the DER content of the non-negative integer mag.
func appendIntegerContent(dst, mag []byte) []byte {
	if len(mag) == 0 || mag[0]&0x80 != 0 {
		dst = append(dst, 0)
	}
	return append(dst, mag...)
}

// useUTCTime reports whether RFC 5280 section 4.1.2.5 wants t as UTCTime (years
// 1950 through 2049) rather than GeneralizedTime.
func useUTCTime(t time.Time) bool {
	y := t.Year()
	return y >= 1950 && y < 2050
}

// timeLen is the DER length of t as a CRL Time.
func timeLen(t time.Time) int {
	if useUTCTime(t) {
		return 15
	}
	return 17
}

// appendTime appends t (UTC, whole seconds) as a CRL Time.
func appendTime(dst []byte, t time.Time) []byte {
	if !useUTCTime(t) {
		return appendGeneralizedTime(dst, t)
	}
	dst = append(dst, tagUTCTime, 13)
	return appendTimeDigits(dst, t, false)
}

// appendGeneralizedTime appends t (UTC) as a GeneralizedTime, whatever the year.
func appendGeneralizedTime(dst []byte, t time.Time) []byte {
	dst = append(dst, tagGeneralizedTime, 15)
	return appendTimeDigits(dst, t, true)
}

func appendTimeDigits(dst []byte, t time.Time, century bool) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if century {
		dst = append2(dst, year/100)
	}
	dst = append2(dst, year%100)
	dst = append2(dst, int(month))
	dst = append2(dst, day)
	dst = append2(dst, hour)
	dst = append2(dst, minute)
	dst = append2(dst, sec)
	return append(dst, 'Z')
}

func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10%10), byte('0'+n%10))
}
