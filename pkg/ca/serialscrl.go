package ca

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/crl"
)

// SerialListError is a line of a serial list that does not parse.
type SerialListError struct {
	Line int
	Msg  string
}

func (e *SerialListError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxSerialListLine bounds one line of a serial list: a serial, a date and a
// reason fit in far less.
const maxSerialListLine = 4096

// ScanSerialList reads a plain list of revoked certificates, for CAs whose own
// tools keep no openssl index (step-ca, cfssl): one certificate a line, its
// serial in hexadecimal as openssl prints it (optionally 0x-prefixed or with
// colons between bytes), then optionally its revocation time (RFC 3339, or a
// date YYYY-MM-DD meaning its midnight UTC) and a reason in openssl's
// spelling (keyCompromise, superseded, ...), in either order. Without a time
// the certificate counts as revoked at now. Blank lines and # comments are
// skipped. fn gets each entry.
func ScanSerialList(r io.Reader, now time.Time, fn func(crl.Entry) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxSerialListLine)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) > 3 {
			return &SerialListError{Line: n, Msg: fmt.Sprintf("%d fields: want a serial, then optionally a time and a reason", len(fields))}
		}
		serial, err := parseListSerial(fields[0])
		if err != nil {
			return &SerialListError{Line: n, Msg: err.Error()}
		}
		e := crl.Entry{Serial: serial.Bytes(), RevocationTime: now}
		var sawTime, sawReason bool
		for _, f := range fields[1:] {
			if t, ok := parseListTime(f); ok && !sawTime {
				e.RevocationTime, sawTime = t, true
				continue
			}
			if rs, err := ParseReason(f); err == nil && !sawReason {
				sawReason = true
				if rs != ReasonUnspecified {
					e.Reason = int(rs)
				}
				continue
			}
			return &SerialListError{Line: n, Msg: fmt.Sprintf("%q is neither a time (RFC 3339, or YYYY-MM-DD) nor a reason (%s)", f, reasonNames())}
		}
		if err := fn(e); err != nil {
			return &SerialListError{Line: n, Msg: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ca: reading the serial list: %w", err)
	}
	return nil
}

func parseListSerial(s string) (*big.Int, error) {
	h := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"), ":", "")
	n, ok := new(big.Int).SetString(h, 16)
	if !ok || n.Sign() < 0 {
		return nil, fmt.Errorf("serial %q is not a hexadecimal number (as openssl x509 -serial prints it)", s)
	}
	if len(n.Bytes()) > crl.MaxSerialLen {
		return nil, fmt.Errorf("serial %q is longer than %d bytes", s, crl.MaxSerialLen)
	}
	return n, nil
}

func parseListTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func reasonNames() string {
	names := make([]string, len(Reasons))
	for i, r := range Reasons {
		names[i] = r.String()
	}
	return strings.Join(names, ", ")
}

// SignSerialsCRL makes the CRL of a serial list (ScanSerialList) as
// SignIndexCRL does of an index: the same thisUpdate rule, numbering and
// signature, so a CA pgcert does not run gets the CRLs PostgreSQL needs. Scan
// errors are *IndexScanError wrapping a *SerialListError.
func SignSerialsCRL(list io.Reader, o IndexCRLOptions) (*IndexCRL, error) {
	return signScanned(o, func(add func(crl.Entry) error) error {
		return ScanSerialList(list, o.Now, add)
	})
}
