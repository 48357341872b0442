package ca

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

// norm makes empty slices nil so that entries compare with reflect.DeepEqual.
func norm(e Entry) Entry {
	if len(e.Serial) == 0 {
		e.Serial = nil
	}
	if len(e.File) == 0 {
		e.File = nil
	}
	if len(e.Subject) == 0 {
		e.Subject = nil
	}
	return e
}

func scanAll(t *testing.T, data string) ([]*Entry, error) {
	t.Helper()
	return ReadIndex(strings.NewReader(data))
}

// The fixture was written by openssl ca itself (testdata/mkindex.sh).
func TestScanIndexOpenSSLFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/openssl-index.txt")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ReadIndex(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 16 {
		t.Fatalf("got %d entries, want 16", len(entries))
	}
	wantReasons := []Reason{ReasonUnspecified, ReasonKeyCompromise, ReasonCACompromise, ReasonAffiliationChanged,
		ReasonSuperseded, ReasonCessationOfOperation, ReasonCertificateHold, ReasonRemoveFromCRL,
		ReasonCertificateHold, ReasonKeyCompromise, ReasonCACompromise, ReasonNone}
	for i, r := range wantReasons {
		e := entries[i]
		if e.Status != StatusRevoked || e.Reason != r {
			t.Errorf("entry %d: status %v reason %v, want revoked %v", i+1, e.Status, e.Reason, r)
		}
		if e.SerialNumber().Int64() != int64(i+1) {
			t.Errorf("entry %d: serial %v", i+1, e.SerialNumber())
		}
		if e.Revoked.IsZero() || !e.Revoked.Before(e.Expires) {
			t.Errorf("entry %d: revoked %v expires %v", i+1, e.Revoked, e.Expires)
		}
	}
	if want := (asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 2}); !entries[8].HoldInstruction.Equal(want) {
		t.Errorf("hold instruction %v, want %v", entries[8].HoldInstruction, want)
	}
	for _, i := range []int{9, 10} {
		if want := date("2024-01-02 03:04:05"); !entries[i].InvalidityDate.Equal(want) {
			t.Errorf("entry %d: invalidity date %v, want %v", i+1, entries[i].InvalidityDate, want)
		}
	}
	if e := entries[12]; e.Status != StatusValid || !e.Expires.Equal(date("2051-01-01 00:00:00")) {
		t.Errorf("far future entry: %v %v", e.Status, e.Expires)
	}
	if e := entries[13]; e.Status != StatusExpired || !e.Expires.Equal(date("2021-01-01 00:00:00")) {
		t.Errorf("expired entry: %v %v", e.Status, e.Expires)
	}
	if got, want := string(entries[14].Subject), `/DC=org/DC=Example/O=Z\xC3\xBCrich  AG/CN=x\/y+OU=a\+b/emailAddress=db@example.org`; got != want {
		t.Errorf("subject %s, want %s", got, want)
	}
	if string(entries[15].File) != "unknown" {
		t.Errorf("file %q", entries[15].File)
	}

	// Writing every entry back gives the file openssl wrote, byte for byte.
	var out []byte
	for _, e := range entries {
		if out, err = AppendEntry(out, e); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out, data) {
		t.Errorf("rewritten index differs:\n%s\nwant:\n%s", out, data)
	}
}

func TestScanIndexLines(t *testing.T) {
	tests := []struct {
		name, line string
		want       Entry
	}{
		{"valid", "V\t300101000000Z\t\t0A\tunknown\t/CN=a", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{0x0a}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"1950 utctime", "E\t500101000000Z\t\t00\tf\t/CN=a", Entry{Status: StatusExpired, Expires: date("1950-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{}, File: []byte("f"), Subject: []byte("/CN=a")}},
		{"generalized expiry", "V\t20300101000000Z\t\tff00\tunknown\t", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{0xff, 0}, File: []byte("unknown"), Subject: []byte{}}},
		{"leading zero serial", "V\t300101000000Z\t\t0001\tunknown\t/CN=a", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"reason any case", "R\t300101000000Z\t250101000000Z,KEYCOMPROMISE\t01\tunknown\t/CN=a", Entry{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonKeyCompromise, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"argument after a plain reason", "R\t300101000000Z\t250101000000Z,superseded,x\t01\tunknown\t/CN=a", Entry{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonSuperseded, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"hold by oid", "R\t300101000000Z\t250101000000Z,holdInstruction,1.2.3.4\t01\tunknown\t/CN=a", Entry{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonCertificateHold, HoldInstruction: asn1.ObjectIdentifier{1, 2, 3, 4}, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"hold by long name", "R\t300101000000Z\t250101000000Z,holdInstruction,Hold Instruction Reject\t01\tunknown\t/CN=a", Entry{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonCertificateHold, HoldInstruction: asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 3}, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"CA key time", "R\t300101000000Z\t250101000000Z,cakeytime,20241231235959Z\t01\tunknown\t/CN=a", Entry{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonCACompromise, InvalidityDate: date("2024-12-31 23:59:59"), Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"escaped tab", "V\t300101000000Z\t\t01\tun\\\tknown\t/CN=a\\\tb", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{1}, File: []byte("un\tknown"), Subject: []byte("/CN=a\tb")}},
		{"trailing tab", "V\t300101000000Z\t\t01\tunknown\t/CN=a\t", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}},
		{"escaped tab then trailing tab", "V\t300101000000Z\t\t01\tunknown\t/CN=a\\\tb\t", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a\tb")}},
		{"carriage return kept", "V\t300101000000Z\t\t01\tunknown\t/CN=a\r", Entry{Status: StatusValid, Expires: date("2030-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a\r")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, suffix := range []string{"\n", ""} {
				got, err := scanAll(t, tt.line+suffix)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 {
					t.Fatalf("got %d entries", len(got))
				}
				if !reflect.DeepEqual(norm(*got[0]), norm(tt.want)) {
					t.Errorf("suffix %q:\n got %+v\nwant %+v", suffix, *got[0], tt.want)
				}
			}
		})
	}
}

func TestScanIndexErrors(t *testing.T) {
	const good = "V\t300101000000Z\t\t01\tunknown\t/CN=a\n"
	tests := []struct {
		name, line, field, msg string
	}{
		{"empty line", "", "", "empty line"},
		{"five fields", "V\t300101000000Z\t\t01\tunknown", "", "6 tab-separated fields"},
		{"seven fields", "V\t300101000000Z\t\t01\tunknown\t/CN=a\tx", "", "6 tab-separated fields"},
		{"escaped seventh field", "V\t300101000000Z\t\t01\tunknown\t/CN=a\\\tb\tx", "", "6 tab-separated fields"},
		{"status word", "Valid\t300101000000Z\t\t01\tunknown\t/CN=a", "status", "not V, R or E"},
		{"suspended", "S\t300101000000Z\t\t01\tunknown\t/CN=a", "status", "not V, R or E"},
		{"short expiry", "V\t3001010000Z\t\t01\tunknown\t/CN=a", "expiry date", "neither"},
		{"expiry offset", "V\t300101000000+0100\t\t01\tunknown\t/CN=a", "expiry date", "neither"},
		{"expiry february 30", "V\t300230000000Z\t\t01\tunknown\t/CN=a", "expiry date", "neither"},
		{"valid with revocation", "V\t300101000000Z\t250101000000Z\t01\tunknown\t/CN=a", "revocation", "status V but"},
		{"revoked without date", "R\t300101000000Z\t\t01\tunknown\t/CN=a", "revocation", "not YYMMDDHHMMSSZ"},
		{"generalized revocation", "R\t300101000000Z\t20250101000000Z\t01\tunknown\t/CN=a", "revocation", "not YYMMDDHHMMSSZ"},
		{"empty reason", "R\t300101000000Z\t250101000000Z,\t01\tunknown\t/CN=a", "revocation", "unknown reason"},
		{"unknown reason", "R\t300101000000Z\t250101000000Z,stolen\t01\tunknown\t/CN=a", "revocation", "unknown reason"},
		{"privilegeWithdrawn", "R\t300101000000Z\t250101000000Z,privilegeWithdrawn\t01\tunknown\t/CN=a", "revocation", "unknown reason"},
		{"hold without oid", "R\t300101000000Z\t250101000000Z,holdInstruction\t01\tunknown\t/CN=a", "revocation", "without an instruction"},
		{"hold bad oid", "R\t300101000000Z\t250101000000Z,holdInstruction,3.1\t01\tunknown\t/CN=a", "revocation", "unknown hold instruction"},
		{"keyTime without time", "R\t300101000000Z\t250101000000Z,keyTime\t01\tunknown\t/CN=a", "revocation", "without a compromise time"},
		{"keyTime utctime", "R\t300101000000Z\t250101000000Z,keyTime,240101000000Z\t01\tunknown\t/CN=a", "revocation", "not YYYYMMDDHHMMSSZ"},
		{"odd serial", "V\t300101000000Z\t\t123\tunknown\t/CN=a", "serial", "even number"},
		{"empty serial", "V\t300101000000Z\t\t\tunknown\t/CN=a", "serial", "even number"},
		{"negative serial", "V\t300101000000Z\t\t-01\tunknown\t/CN=a", "serial", "negative"},
		{"not hex serial", "V\t300101000000Z\t\t0G\tunknown\t/CN=a", "serial", "not hexadecimal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Two good lines and a comment first, so the bad line is line 4.
			_, err := scanAll(t, good+"# comment\n"+good+tt.line+"\n"+good)
			var ie *IndexError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want *IndexError", err)
			}
			if ie.Line != 4 || ie.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got line %d field %q: %v; want line 4 field %q containing %q", ie.Line, ie.Field, err, tt.field, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "ca: index line 4: ") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestScanIndexCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := ScanIndex(strings.NewReader(strings.Repeat("V\t300101000000Z\t\t01\tunknown\t/CN=a\n", 5)), func(*Entry) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	var ie *IndexError
	if !errors.Is(err, stop) || !errors.As(err, &ie) || ie.Line != 3 || n != 3 {
		t.Fatalf("err %v after %d calls", err, n)
	}
}

func TestScanIndexLongLines(t *testing.T) {
	long := "/CN=" + strings.Repeat("x", 200<<10)
	got, err := scanAll(t, "V\t300101000000Z\t\t01\tunknown\t"+long+"\nV\t300101000000Z\t\t02\tunknown\t/CN=b\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0].Subject) != long || string(got[1].Subject) != "/CN=b" {
		t.Fatalf("long line misread")
	}
	_, err = scanAll(t, "V\t300101000000Z\t\t01\tunknown\t/CN="+strings.Repeat("x", MaxIndexLine)+"\n")
	var ie *IndexError
	if !errors.As(err, &ie) || ie.Line != 1 {
		t.Fatalf("over-long line: %v", err)
	}
}

// ScanIndex must not allocate per line, so that a million-line index costs no more
// memory than a short one.
func TestScanIndexAllocations(t *testing.T) {
	line := "R\t300101000000Z\t250101000000Z,keyCompromise\t0123456789ABCDEF0123456789ABCDEF\tunknown\t/CN=client\n"
	allocs := func(n int) float64 {
		data := strings.Repeat(line, n)
		return testing.AllocsPerRun(5, func() {
			if err := ScanIndex(strings.NewReader(data), func(*Entry) error { return nil }); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(10), allocs(10000)
	if large > small+5 {
		t.Errorf("%v allocations for 10 lines, %v for 10000", small, large)
	}
}

func TestAppendEntryRoundTrip(t *testing.T) {
	entries := []*Entry{
		{Status: StatusValid, Expires: date("2049-12-31 23:59:59"), Serial: []byte{0x80, 1}, File: []byte("unknown"), Subject: []byte("/CN=a")},
		{Status: StatusValid, Expires: date("2050-01-01 00:00:00"), Serial: nil, File: []byte("unknown"), Subject: []byte("/CN=zero")},
		{Status: StatusExpired, Expires: date("1949-12-31 00:00:00"), Serial: []byte{1}, File: []byte("x.pem"), Subject: []byte("")},
		{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{2}, File: []byte("unknown"), Subject: []byte("/CN=b")},
		{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonRemoveFromCRL, Serial: []byte{3}, File: []byte("unknown"), Subject: []byte("/CN=c")},
		{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonCertificateHold, HoldInstruction: asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 1}, Serial: []byte{4}, File: []byte("unknown"), Subject: []byte("/CN=d")},
		{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonCertificateHold, HoldInstruction: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Serial: []byte{5}, File: []byte("unknown"), Subject: []byte("/CN=e")},
		{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonKeyCompromise, InvalidityDate: date("2024-06-01 12:00:00"), Serial: []byte{6}, File: []byte("unknown"), Subject: []byte("/CN=f")},
	}
	var buf []byte
	for _, e := range entries {
		var err error
		if buf, err = AppendEntry(buf, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadIndex(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("%v\n%s", err, buf)
	}
	for i, e := range entries {
		want := *e
		if want.Status != StatusRevoked {
			want.Reason = ReasonNone
		}
		if !reflect.DeepEqual(norm(*got[i]), norm(want)) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, *got[i], want)
		}
	}
	if line, _ := FormatEntry(entries[1]); line != "V\t20500101000000Z\t\t00\tunknown\t/CN=zero\n" {
		t.Errorf("FormatEntry = %q", line)
	}
	if line, _ := FormatEntry(entries[5]); line != "R\t300101000000Z\t250101000000Z,holdInstruction,holdInstructionNone\t04\tunknown\t/CN=d\n" {
		t.Errorf("FormatEntry = %q", line)
	}
}

func TestAppendEntryErrors(t *testing.T) {
	base := Entry{Status: StatusRevoked, Expires: date("2030-01-01 00:00:00"), Revoked: date("2025-01-01 00:00:00"), Reason: ReasonNone, Serial: []byte{1}, File: []byte("unknown"), Subject: []byte("/CN=a")}
	tests := []struct {
		name   string
		modify func(*Entry)
	}{
		{"bad status", func(e *Entry) { e.Status = 'S' }},
		{"no expiry", func(e *Entry) { e.Expires = time.Time{} }},
		{"no revocation time", func(e *Entry) { e.Revoked = time.Time{} }},
		{"revoked in 2050", func(e *Entry) { e.Revoked = date("2050-01-01 00:00:00") }},
		{"privilegeWithdrawn", func(e *Entry) { e.Reason = ReasonPrivilegeWithdrawn }},
		{"hold without certificateHold", func(e *Entry) { e.HoldInstruction = asn1.ObjectIdentifier{1, 2, 3} }},
		{"invalidity date with superseded", func(e *Entry) { e.Reason, e.InvalidityDate = ReasonSuperseded, date("2024-01-01 00:00:00") }},
		{"tab in subject", func(e *Entry) { e.Subject = []byte("/CN=a\tb") }},
		{"newline in subject", func(e *Entry) { e.Subject = []byte("/CN=a\nV") }},
		{"file ends in backslash", func(e *Entry) { e.File = []byte(`C:\`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			tt.modify(&e)
			dst := []byte("keep")
			out, err := AppendEntry(dst, &e)
			if !errors.Is(err, ErrInvalidEntry) || string(out) != "keep" {
				t.Fatalf("got %q, %v", out, err)
			}
		})
	}
	if _, err := AppendEntry(nil, &base); err != nil {
		t.Fatalf("base entry: %v", err)
	}
}

func TestReasons(t *testing.T) {
	want := []string{"unspecified", "keyCompromise", "CACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", "removeFromCRL"}
	codes := []int{0, 1, 2, 3, 4, 5, 6, 8}
	if len(Reasons) != len(want) {
		t.Fatalf("%d reasons", len(Reasons))
	}
	for i, r := range Reasons {
		if r.String() != want[i] || int(r) != codes[i] || r.Description() == "" {
			t.Errorf("Reasons[%d] = %d %q %q", i, int(r), r, r.Description())
		}
		got, err := ParseReason(strings.ToUpper(want[i]))
		if err != nil || got != r {
			t.Errorf("ParseReason(%q) = %v, %v", strings.ToUpper(want[i]), got, err)
		}
	}
	for _, bad := range []string{"", "keyTime", "holdInstruction", "privilegeWithdrawn", "none"} {
		if _, err := ParseReason(bad); !errors.Is(err, ErrUnknownReason) {
			t.Errorf("ParseReason(%q): %v", bad, err)
		}
	}
	if ReasonNone.String() != "none" || Reason(7).String() != "reason(7)" || ReasonAACompromise.String() != "aACompromise" {
		t.Errorf("String: %v %v %v", ReasonNone, Reason(7), ReasonAACompromise)
	}
}

func TestSerialFile(t *testing.T) {
	for _, f := range []string{"openssl-serial", "openssl-crlnumber"} {
		data, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := ParseSerialFile(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := FormatSerialFile(n)
		if err != nil || !bytes.Equal(out, data) {
			t.Errorf("%s: %v reformatted as %q, %v", f, n, out, err)
		}
	}
	tests := []struct {
		in   string
		want int64
	}{{"00\n", 0}, {"0A\r\n", 10}, {"ff", 255}, {"00FF\n", 255}, {"  0100  \n", 256}}
	for _, tt := range tests {
		n, err := ParseSerialFile([]byte(tt.in))
		if err != nil || n.Int64() != tt.want {
			t.Errorf("ParseSerialFile(%q) = %v, %v", tt.in, n, err)
		}
	}
	for _, bad := range []string{"", "\n", "1", "123", "0x10", "-01", "10 # next", strings.Repeat("11", 21)} {
		if n, err := ParseSerialFile([]byte(bad)); !errors.Is(err, ErrBadSerialFile) {
			t.Errorf("ParseSerialFile(%q) = %v, %v", bad, n, err)
		}
	}
	for n, want := range map[int64]string{0: "00\n", 15: "0F\n", 128: "80\n", 256: "0100\n"} {
		if out, err := FormatSerialFile(big.NewInt(n)); err != nil || string(out) != want {
			t.Errorf("FormatSerialFile(%d) = %q, %v", n, out, err)
		}
	}
	if _, err := FormatSerialFile(big.NewInt(-1)); !errors.Is(err, ErrBadSerialFile) {
		t.Errorf("negative: %v", err)
	}
	if _, err := FormatSerialFile(new(big.Int).Lsh(big.NewInt(1), 160)); !errors.Is(err, ErrBadSerialFile) {
		t.Errorf("21 bytes: %v", err)
	}
}

func TestAttr(t *testing.T) {
	data, err := os.ReadFile("testdata/openssl-index.txt.attr")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAttr(data)
	if err != nil || a.UniqueSubject {
		t.Fatalf("openssl's attr file: %+v, %v", a, err)
	}
	if !bytes.Equal(a.Format(), data) {
		t.Errorf("Format = %q, want %q", a.Format(), data)
	}
	tests := map[string]bool{"": true, "# c\nunique_subject = yes\n": true, "unique_subject=No": false,
		"unique_subject = 0": false, "unique_subject = maybe": true, "other = no\n": true, "unique_subject = true\n": true}
	for in, want := range tests {
		a, err := ParseAttr([]byte(in))
		if err != nil || a.UniqueSubject != want {
			t.Errorf("ParseAttr(%q) = %+v, %v", in, a, err)
		}
	}
	if _, err := ParseAttr([]byte("unique_subject\n")); err == nil {
		t.Error("line without = accepted")
	}
	if string(DefaultAttr.Format()) != "unique_subject = yes\n" {
		t.Errorf("DefaultAttr.Format = %q", DefaultAttr.Format())
	}
}

// The fixture was written by easy-rsa 3 (testdata/mkeasyrsa.sh).
func TestScanIndexEasyRSAFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/easyrsa-index.txt")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ReadIndex(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	for i, want := range []struct {
		status  Status
		reason  Reason
		subject string
	}{{StatusValid, ReasonNone, "/CN=alice"}, {StatusRevoked, ReasonKeyCompromise, "/CN=bob"}, {StatusValid, ReasonNone, "/CN=db.example"}} {
		e := entries[i]
		if e.Status != want.status || e.Reason != want.reason || string(e.Subject) != want.subject || len(e.Serial) < 8 {
			t.Errorf("entry %d: %v %v %s serial %X", i+1, e.Status, e.Reason, e.Subject, e.Serial)
		}
	}
	var out []byte
	for _, e := range entries {
		if out, err = AppendEntry(out, e); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out, data) {
		t.Errorf("rewritten index differs:\n%s\nwant:\n%s", out, data)
	}
	serial, err := os.ReadFile("testdata/easyrsa-serial")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ParseSerialFile(serial); err != nil || n.BitLen() < 64 {
		t.Errorf("serial file: %v, %v", n, err)
	}
	attr, err := os.ReadFile("testdata/easyrsa-index.txt.attr")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := ParseAttr(attr); err != nil || a.UniqueSubject {
		t.Errorf("attr: %+v, %v", a, err)
	}
}
