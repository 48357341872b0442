package ca

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"
)

// holdInstructions are the hold instructions of RFC 3280 section 5.3.2, by the
// short and long names OpenSSL's object table gives them (OBJ_txt2obj accepts both).
var holdInstructions = []struct {
	short, long string
	oid         asn1.ObjectIdentifier
}{
	{"holdInstructionNone", "Hold Instruction None", asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 1}},
	{"holdInstructionCallIssuer", "Hold Instruction Call Issuer", asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 2}},
	{"holdInstructionReject", "Hold Instruction Reject", asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 3}},
}

func parseHoldInstruction(s []byte) (asn1.ObjectIdentifier, bool) {
	for _, h := range holdInstructions {
		if string(s) == h.short || string(s) == h.long {
			return append(asn1.ObjectIdentifier(nil), h.oid...), true
		}
	}
	var oid asn1.ObjectIdentifier
	for part := range bytes.SplitSeq(s, []byte{'.'}) {
		if len(part) == 0 || len(part) > 9 {
			return nil, false
		}
		n, ok := digits(part)
		if !ok {
			return nil, false
		}
		oid = append(oid, n)
	}
	if len(oid) < 2 || oid[0] > 2 || oid[0] < 2 && oid[1] >= 40 {
		return nil, false
	}
	return oid, true
}

func holdInstructionName(oid asn1.ObjectIdentifier) string {
	for _, h := range holdInstructions {
		if oid.Equal(h.oid) {
			return h.short
		}
	}
	return oid.String()
}

// ErrInvalidEntry is wrapped by the errors AppendEntry returns for an entry openssl
// could not read back.
var ErrInvalidEntry = errors.New("ca: invalid index entry")

// FormatEntry returns e as an index line, with its newline. See AppendEntry.
func FormatEntry(e *Entry) (string, error) {
	b, err := AppendEntry(nil, e)
	return string(b), err
}

// AppendEntry appends e to dst as an index line that openssl ca reads back to the
// same entry, and returns the extended buffer; on error dst is returned unchanged.
//
// The expiry time is written as UTCTime up to 2049 and GeneralizedTime from 2050,
// as RFC 5280 encodes notAfter (and as openssl copies it from the certificate). The
// revocation time must fall in 1950-2049, because openssl reads it only as UTCTime.
// An invalidity date is written with openssl's keyTime/CAkeyTime pseudo-reasons, so
// it needs ReasonKeyCompromise or ReasonCACompromise; a hold instruction needs
// ReasonCertificateHold; privilegeWithdrawn and aACompromise cannot be recorded.
// The serial is written in upper-case hex with an even number of digits ("00" for
// zero), as openssl writes it. File and Subject must not hold a tab, a newline or a
// NUL, and File must not end in a backslash (openssl would take the next tab as
// escaped and lose count of the fields).
func AppendEntry(dst []byte, e *Entry) ([]byte, error) {
	orig := dst
	fail := func(format string, args ...any) ([]byte, error) {
		return orig, fmt.Errorf("%w: %s", ErrInvalidEntry, fmt.Sprintf(format, args...))
	}
	switch e.Status {
	case StatusValid, StatusRevoked, StatusExpired:
	default:
		return fail("status %q is not V, R or E", byte(e.Status))
	}
	if y := e.Expires.UTC().Year(); e.Expires.IsZero() || y > 9999 {
		return fail("expiry time %v out of range", e.Expires)
	}
	dst = append(dst, byte(e.Status), '\t')
	dst = appendTime(dst, e.Expires.UTC(), e.Expires.UTC().Year() >= 2050 || e.Expires.UTC().Year() < 1950)
	dst = append(dst, '\t')
	if e.Status == StatusRevoked {
		var err error
		if dst, err = appendRevocation(dst, e); err != nil {
			return fail("%v", err)
		}
	}
	dst = append(dst, '\t')
	dst = appendSerialHex(dst, e.Serial)
	dst = append(dst, '\t')
	if bytes.ContainsAny(e.File, "\t\n\x00") || bytes.HasSuffix(e.File, []byte{'\\'}) {
		return fail("file name %q holds a tab, newline or NUL, or ends in a backslash", e.File)
	}
	dst = append(dst, e.File...)
	dst = append(dst, '\t')
	if bytes.ContainsAny(e.Subject, "\t\n\x00") {
		return fail("subject %q holds a tab, newline or NUL", e.Subject)
	}
	dst = append(dst, e.Subject...)
	return append(dst, '\n'), nil
}

func appendRevocation(dst []byte, e *Entry) ([]byte, error) {
	t := e.Revoked.UTC()
	if e.Revoked.IsZero() {
		return nil, errors.New("revoked entry without a revocation time")
	}
	if t.Year() < 1950 || t.Year() >= 2050 {
		return nil, fmt.Errorf("revocation time %s outside 1950-2049, which openssl cannot read", t.Format(time.RFC3339))
	}
	dst = appendTime(dst, t, false)
	switch {
	case e.HoldInstruction != nil:
		if e.Reason != ReasonCertificateHold {
			return nil, fmt.Errorf("a hold instruction needs reason certificateHold, not %s", e.Reason)
		}
		if !e.InvalidityDate.IsZero() {
			return nil, errors.New("openssl cannot record both a hold instruction and an invalidity date")
		}
		dst = append(dst, ",holdInstruction,"...)
		return append(dst, holdInstructionName(e.HoldInstruction)...), nil
	case !e.InvalidityDate.IsZero():
		switch e.Reason {
		case ReasonKeyCompromise:
			dst = append(dst, ",keyTime,"...)
		case ReasonCACompromise:
			dst = append(dst, ",CAkeyTime,"...)
		default:
			return nil, fmt.Errorf("openssl records an invalidity date only with keyCompromise or CACompromise, not %s", e.Reason)
		}
		if y := e.InvalidityDate.UTC().Year(); y < 0 || y > 9999 {
			return nil, fmt.Errorf("invalidity date %v out of range", e.InvalidityDate)
		}
		return appendTime(dst, e.InvalidityDate.UTC(), true), nil
	case e.Reason == ReasonNone:
		return dst, nil
	case !e.Reason.inIndex():
		return nil, fmt.Errorf("reason %s cannot be recorded in an openssl index", e.Reason)
	}
	dst = append(dst, ',')
	return append(dst, e.Reason.String()...), nil
}

// appendTime appends t as YYMMDDHHMMSSZ, or as YYYYMMDDHHMMSSZ when generalized.
func appendTime(dst []byte, t time.Time, generalized bool) []byte {
	y := t.Year()
	if generalized {
		dst = append2(dst, y/100)
	}
	dst = append2(dst, y%100)
	dst = append2(dst, int(t.Month()))
	dst = append2(dst, t.Day())
	dst = append2(dst, t.Hour())
	dst = append2(dst, t.Minute())
	dst = append2(dst, t.Second())
	return append(dst, 'Z')
}

func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10%10), byte('0'+n%10))
}

const hexUpper = "0123456789ABCDEF"

func appendSerialHex(dst []byte, serial []byte) []byte {
	serial = bytes.TrimLeft(serial, "\x00")
	if len(serial) == 0 {
		return append(dst, "00"...)
	}
	for _, b := range serial {
		dst = append(dst, hexUpper[b>>4], hexUpper[b&15])
	}
	return dst
}

// SerialHex returns serial as index.txt writes it: upper-case hex, an even number of
// digits, "00" for zero. serial is unsigned big-endian, as in Entry.Serial.
func SerialHex(serial []byte) string {
	return string(appendSerialHex(nil, serial))
}
