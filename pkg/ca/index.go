// Package ca keeps a local certificate authority in the directory layout openssl ca and
// easy-rsa use, so that either tool and pgcert can take turns on the same CA.
//
// Besides the directory itself (Create, Open, Issue, Revoke, List, GenerateCRL) it
// holds the flows pgcert's commands run on it: the requests for server, client and
// outside certificates (ServerRequest, ClientRequest, CSRRequest), the files a server
// and a client need (CA.ServerChain, CA.ClientBundle in libpq's layout), the CRLs of
// a whole chain (CA.ChainCRLs) or of any openssl database (SignIndexCRL), and the
// reports of each (CA.Summary, CA.IssuedReport, CA.Listing, Revocation.Report),
// whose JSON field names are those of pgcert's --json documents.
package ca

import (
	"bufio"
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// Status is the first field of an index line.
type Status byte

// The statuses openssl ca writes. openssl also defines 'S' (suspended) but never
// writes it; ScanIndex refuses it along with any other letter.
const (
	StatusValid   Status = 'V'
	StatusRevoked Status = 'R'
	StatusExpired Status = 'E'
)

// String returns "valid", "revoked" or "expired".
func (s Status) String() string {
	switch s {
	case StatusValid:
		return "valid"
	case StatusRevoked:
		return "revoked"
	case StatusExpired:
		return "expired"
	}
	return fmt.Sprintf("status(%q)", byte(s))
}

// Entry is one line of an openssl CA database (index.txt): six tab-separated fields
// holding the status, the expiry time, the revocation information, the serial
// number in hex, a file name (almost always "unknown") and the subject in openssl's
// one-line form ("/C=FR/O=Example/CN=db1").
type Entry struct {
	Status Status
	// Expires is the certificate's notAfter.
	Expires time.Time
	// Revoked is the revocation time; used only when Status is StatusRevoked.
	Revoked time.Time
	// Reason is the recorded reason, ReasonNone when the index names none. Used
	// only when Status is StatusRevoked.
	Reason Reason
	// InvalidityDate is when the key is known or suspected to have been
	// compromised: openssl's "keyTime" (with ReasonKeyCompromise) and "CAkeyTime"
	// (with ReasonCACompromise) pseudo-reasons. Zero when absent.
	InvalidityDate time.Time
	// HoldInstruction is the hold instruction of openssl's "holdInstruction"
	// pseudo-reason (with ReasonCertificateHold). Nil when absent.
	HoldInstruction asn1.ObjectIdentifier
	// Serial is the serial number as unsigned big-endian bytes without leading
	// zeros (what big.Int.Bytes returns; empty for serial 0).
	Serial []byte
	// File is the fourth field, the certificate's file name; openssl writes
	// "unknown".
	File []byte
	// Subject is the last field, the subject as X509_NAME_oneline prints it.
	Subject []byte
}

// SerialNumber returns the serial as a big.Int.
func (e *Entry) SerialNumber() *big.Int {
	return new(big.Int).SetBytes(e.Serial)
}

// Clone returns a deep copy of e, for keeping an entry that ScanIndex passed.
func (e *Entry) Clone() *Entry {
	c := *e
	c.Serial = bytes.Clone(e.Serial)
	c.File = bytes.Clone(e.File)
	c.Subject = bytes.Clone(e.Subject)
	if e.HoldInstruction != nil {
		c.HoldInstruction = append(asn1.ObjectIdentifier(nil), e.HoldInstruction...)
	}
	return &c
}

// MaxIndexLine is the longest index line ScanIndex reads. openssl's one-line subject
// is capped at 1 MiB (NAME_ONELINE_MAX); a longer line is not an index.
const MaxIndexLine = 1 << 20

// IndexError reports a line of an index that cannot be read, or an error returned
// by ScanIndex's callback for that line.
type IndexError struct {
	Line  int    // 1-based line number
	Field string // the field at fault ("serial", "expiry date", ...), or ""
	Err   error
}

func (e *IndexError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("ca: index line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("ca: index line %d: %s: %v", e.Line, e.Field, e.Err)
}

func (e *IndexError) Unwrap() error { return e.Err }

// ScanIndex reads an openssl index from r and calls fn for every entry, in file
// order, stopping at the first error. A format error is an *IndexError naming the
// line; an error from fn is returned wrapped in an *IndexError for its line (use
// errors.Is or errors.As to reach it).
//
// ScanIndex is made for indexes of millions of lines: it keeps no line after fn
// returns and allocates nothing per line. The *Entry passed to fn, and every slice
// in it, is reused for the next line: copy what you keep, or use Entry.Clone.
//
// It accepts what openssl ca accepts, with these exceptions, all of which openssl
// never writes itself: statuses other than V, R and E; negative serial numbers;
// times other than YYMMDDHHMMSSZ (and YYYYMMDDHHMMSSZ for expiry and invalidity
// dates); hold instructions other than the three standard ones by name or any OID
// in dotted form. Lines starting with '#' are skipped as openssl skips them. An
// empty line is an error, as in openssl. A last line without a newline is read,
// although openssl silently ignores it; AppendEntry always ends lines.
func ScanIndex(r io.Reader, fn func(*Entry) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		e       Entry
		long    []byte
		scratch []byte
	)
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
				if len(long) > MaxIndexLine {
					return &IndexError{Line: lineNo, Err: fmt.Errorf("line longer than %d bytes", MaxIndexLine)}
				}
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(line) == 0 && err == io.EOF {
			return nil
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) > 0 && line[0] == '#' {
			if err == io.EOF {
				return nil
			}
			continue
		}
		if perr := parseLine(&e, line, &scratch); perr != nil {
			perr.Line = lineNo
			return perr
		}
		if ferr := fn(&e); ferr != nil {
			return &IndexError{Line: lineNo, Err: ferr}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// ReadIndex reads a whole index into memory. It is for small indexes (a CA that
// issues a few hundred certificates); use ScanIndex for large ones.
func ReadIndex(r io.Reader) ([]*Entry, error) {
	var entries []*Entry
	err := ScanIndex(r, func(e *Entry) error {
		entries = append(entries, e.Clone())
		return nil
	})
	return entries, err
}

const indexFields = 6

// splitFields splits line into the six fields as OpenSSL's TXT_DB_read does: a tab
// ends a field unless a backslash precedes it, in which case the backslash is
// dropped and the tab kept; a tab right after the sixth field is tolerated.
func splitFields(line []byte, scratch *[]byte) ([indexFields][]byte, bool) {
	var f [indexFields][]byte
	escaped := false
	n, start := 0, 0
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], '\t')
		if j < 0 {
			break
		}
		i += j
		if i > 0 && line[i-1] == '\\' {
			escaped = true
			break
		}
		if n == indexFields-1 {
			// A seventh field: OpenSSL accepts it only when it is empty.
			if i != len(line)-1 {
				return f, false
			}
			f[n] = line[start:i]
			return f, true
		}
		f[n] = line[start:i]
		n++
		i++
		start = i
	}
	if !escaped {
		if n != indexFields-1 {
			return f, false
		}
		f[n] = line[start:]
		return f, true
	}
	return splitEscaped(line, scratch)
}

// splitEscaped is TXT_DB_read's field loop for the rare line with an escaped tab.
func splitEscaped(line []byte, scratch *[]byte) ([indexFields][]byte, bool) {
	var f [indexFields][]byte
	var start, end [indexFields]int
	buf := (*scratch)[:0]
	n, esc, i := 1, false, 0
	for i < len(line) {
		c := line[i]
		if c == '\t' && !esc {
			end[n-1] = len(buf)
			i++
			if n == indexFields {
				break
			}
			start[n] = len(buf)
			n++
			continue
		}
		if c == '\t' {
			buf = buf[:len(buf)-1] // the escaping backslash
		}
		esc = c == '\\'
		buf = append(buf, c)
		i++
	}
	end[n-1] = len(buf)
	*scratch = buf
	if n != indexFields || i != len(line) {
		return f, false
	}
	for k := range f {
		f[k] = buf[start[k]:end[k]]
	}
	return f, true
}

func parseLine(e *Entry, line []byte, scratch *[]byte) *IndexError {
	if len(line) == 0 {
		return &IndexError{Err: errors.New("empty line (openssl ca refuses it too)")}
	}
	f, ok := splitFields(line, scratch)
	if !ok {
		return &IndexError{Err: fmt.Errorf("want %d tab-separated fields", indexFields)}
	}
	if len(f[0]) != 1 {
		return &IndexError{Field: "status", Err: fmt.Errorf("%q is not V, R or E", f[0])}
	}
	e.Status = Status(f[0][0])
	switch e.Status {
	case StatusValid, StatusExpired, StatusRevoked:
	default:
		return &IndexError{Field: "status", Err: fmt.Errorf("%q is not V, R or E", f[0])}
	}
	var ok2 bool
	if e.Expires, ok2 = parseASN1Time(f[1], true); !ok2 {
		return &IndexError{Field: "expiry date", Err: fmt.Errorf("%q is neither YYMMDDHHMMSSZ nor YYYYMMDDHHMMSSZ", f[1])}
	}
	e.Revoked, e.Reason, e.InvalidityDate = time.Time{}, ReasonNone, time.Time{}
	e.HoldInstruction = nil
	if e.Status == StatusRevoked {
		if err := parseRevocation(e, f[2]); err != nil {
			return &IndexError{Field: "revocation", Err: err}
		}
	} else if len(f[2]) != 0 {
		return &IndexError{Field: "revocation", Err: fmt.Errorf("status %c but a revocation field %q", e.Status, f[2])}
	}
	if err := parseSerialField(e, f[3]); err != nil {
		return &IndexError{Field: "serial", Err: err}
	}
	e.File = f[4]
	e.Subject = f[5]
	return nil
}

func parseSerialField(e *Entry, s []byte) error {
	if len(s) > 0 && s[0] == '-' {
		return fmt.Errorf("negative serial %q: RFC 5280 serials are positive", s)
	}
	if len(s) < 2 || len(s)%2 != 0 {
		return fmt.Errorf("%q: want an even number of hex digits", s)
	}
	buf := e.Serial[:0]
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return fmt.Errorf("%q is not hexadecimal", s)
		}
		b := hi<<4 | lo
		if len(buf) == 0 && b == 0 {
			continue
		}
		buf = append(buf, b)
	}
	e.Serial = buf
	return nil
}

// hexValue maps a byte to its value as a hex digit, or 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range []byte("0123456789abcdef") {
		t[c] = byte(i)
	}
	for i, c := range []byte("ABCDEF") {
		t[c] = byte(10 + i)
	}
	return t
}()

func unhex(c byte) (byte, bool) {
	v := hexValue[c]
	return v, v != 0xff
}

// openssl's reason table (apps/ca.c crl_reasons): the eight real reasons first, in
// index order, then the three pseudo-reasons that carry an argument.
var pseudoReasons = []string{"holdInstruction", "keyTime", "CAkeyTime"}

func parseRevocation(e *Entry, field []byte) error {
	timeStr, rest, hasReason := bytes.Cut(field, []byte{','})
	t, ok := parseASN1Time(timeStr, false)
	if !ok {
		return fmt.Errorf("revocation time %q is not YYMMDDHHMMSSZ", timeStr)
	}
	e.Revoked = t
	if !hasReason {
		return nil
	}
	reasonStr, arg, hasArg := bytes.Cut(rest, []byte{','})
	for _, r := range Reasons {
		if name := reasonTable[r].name; len(name) == len(reasonStr) && bytes.EqualFold(reasonStr, []byte(name)) {
			// openssl ignores an argument after a plain reason.
			e.Reason = r
			return nil
		}
	}
	switch {
	case bytes.EqualFold(reasonStr, []byte(pseudoReasons[0])):
		if !hasArg {
			return errors.New("holdInstruction without an instruction")
		}
		oid, ok := parseHoldInstruction(arg)
		if !ok {
			return fmt.Errorf("unknown hold instruction %q (give a dotted OID)", arg)
		}
		e.Reason, e.HoldInstruction = ReasonCertificateHold, oid
	case bytes.EqualFold(reasonStr, []byte(pseudoReasons[1])), bytes.EqualFold(reasonStr, []byte(pseudoReasons[2])):
		if !hasArg {
			return fmt.Errorf("%s without a compromise time", reasonStr)
		}
		t, ok := parseASN1Time(arg, true)
		if !ok || len(arg) != len("YYYYMMDDHHMMSSZ") {
			return fmt.Errorf("compromise time %q is not YYYYMMDDHHMMSSZ", arg)
		}
		e.InvalidityDate = t
		e.Reason = ReasonKeyCompromise
		if bytes.EqualFold(reasonStr, []byte(pseudoReasons[2])) {
			e.Reason = ReasonCACompromise
		}
	default:
		return fmt.Errorf("unknown reason %q", reasonStr)
	}
	return nil
}

// parseASN1Time parses YYMMDDHHMMSSZ (UTCTime, years 1950-2049) and, when
// generalized is set, YYYYMMDDHHMMSSZ (GeneralizedTime) too.
func parseASN1Time(s []byte, generalized bool) (time.Time, bool) {
	var year int
	switch {
	case len(s) == 13:
		yy, ok := digits(s[0:2])
		if !ok {
			return time.Time{}, false
		}
		year = 2000 + yy
		if yy >= 50 {
			year = 1900 + yy
		}
		s = s[2:]
	case len(s) == 15 && generalized:
		y, ok := digits(s[0:4])
		if !ok {
			return time.Time{}, false
		}
		year = y
		s = s[4:]
	default:
		return time.Time{}, false
	}
	if s[10] != 'Z' {
		return time.Time{}, false
	}
	var v [5]int
	for i := range v {
		n, ok := digits(s[2*i : 2*i+2])
		if !ok {
			return time.Time{}, false
		}
		v[i] = n
	}
	month, day, hour, minute, sec := v[0], v[1], v[2], v[3], v[4]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	if day > daysIn(month, year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func digits(s []byte) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
