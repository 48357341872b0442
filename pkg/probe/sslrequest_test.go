package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func TestSSLRequestPacket(t *testing.T) {
	// The bytes every libpq client sends first: length 8, then 1234<<16 | 5679.
	want := []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}
	if got := sslRequest(); !bytes.Equal(got, want) {
		t.Errorf("sslRequest() = % x, want % x", got, want)
	}
	if SSLRequestCode != 1234<<16|5679 {
		t.Errorf("SSLRequestCode = %d", SSLRequestCode)
	}
}

// errorResponse builds a protocol 3 ErrorResponse as a server would send it.
func errorResponse(fields ...string) []byte {
	var body []byte
	for _, f := range fields {
		body = append(append(body, f...), 0)
	}
	body = append(body, 0)
	out := []byte{'E', 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(len(body)+4))
	return append(out, body...)
}

func TestResponseKind(t *testing.T) {
	for _, tc := range []struct {
		resp []byte
		want error
		text string // in describeResponse's words, for the not-PostgreSQL ones
	}{
		{[]byte("S"), nil, ""},
		{[]byte("N"), ErrSSLRefused, ""},
		{nil, ErrNotPostgres, "sent nothing"},
		{[]byte("S\x16\x03\x01"), ErrNotPostgres, "3 bytes of unencrypted data after agreeing to SSL"},
		{[]byte("HTTP/1.1 400 Bad Request\r\n\r\n"), ErrNotPostgres, `answered "HTTP/1.1 400 Bad Request\r\n\r\n" to SSLRequest`},
		{errorResponse("SFATAL", "C08P01", "Munsupported frontend protocol 1234.5679"), ErrNotPostgres,
			"answered SSLRequest with an error: FATAL: unsupported frontend protocol 1234.5679"},
		{errorResponse("Mno severity"), ErrNotPostgres, "with an error: no severity"},
		{[]byte("EFATAL: old style\x00"), ErrNotPostgres, "with an error: FATAL: old style"},
		{[]byte("E\x00\x00\x00\xff\x01"), ErrNotPostgres, "with an error message"},
		{bytes.Repeat([]byte("x"), 200), ErrNotPostgres, `"` + strings.Repeat("x", maxShown) + `"...`},
	} {
		if got := responseKind(tc.resp); !errors.Is(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("responseKind(%q) = %v, want %v", tc.resp, got, tc.want)
		}
		if tc.text != "" {
			if got := describeResponse(tc.resp); !strings.Contains(got, tc.text) {
				t.Errorf("describeResponse(%q) = %q, want it to contain %q", tc.resp, got, tc.text)
			}
		}
	}
}

func TestCleanKeepsTextPrintable(t *testing.T) {
	got := clean("a\x1b[31mb\xffc" + strings.Repeat("é", 300))
	if strings.Contains(got, "\x1b") || strings.Contains(got, "\xff") {
		t.Errorf("clean kept control bytes: %q", got)
	}
	if !strings.HasPrefix(got, "a?[31mb?c") || !strings.HasSuffix(got, "é...") {
		t.Errorf("clean = %q", got)
	}
}

// FuzzResponse feeds arbitrary answers to SSLRequest through the classifier and the
// message builder, which must never panic on what a stranger sends.
func FuzzResponse(f *testing.F) {
	f.Add([]byte("S"))
	f.Add([]byte("N"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n"))
	f.Add(errorResponse("SFATAL", "Mbad"))
	f.Add([]byte("E\x00\x00\x00\x05\x00"))
	f.Add([]byte("E\x00\x00\x00\x04"))
	f.Add([]byte("E\x00\x00\x00\x08M\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, resp []byte) {
		kind := responseKind(resp)
		msg := (&Error{Kind: ErrNotPostgres, Response: resp}).Error()
		if kind == ErrNotPostgres && !strings.HasPrefix(msg, "probe: not a PostgreSQL server") {
			t.Errorf("message %q", msg)
		}
	})
}
