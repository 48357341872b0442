package selfsign

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/pgcert/pgcert/internal/testpki"
)

// FuzzParseSubject checks that ParseSubject never panics, that whatever it
// accepts MarshalSubject encodes, and that the encoding reads back with as
// many attributes and prints.
func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{
		"/C=US/ST=California/L=San Francisco/O=Acme/OU=DB/CN=db.example.com/emailAddress=dba@example.com",
		"/CN=a+OU=b/O=x\\/y",
		"/CN=a\\",
		"/",
		"",
		"/C=USA",
		"/1.2.3.4=x/2.5.4.3=y",
		"/CN=Jürgen/O=\\+\\\\",
		"/CN=+OU=b+",
		"/CN//O=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rdns, err := ParseSubject(s)
		if err != nil {
			var se *SubjectError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSubject(%q) error %T is not a *SubjectError", s, err)
			}
			return
		}
		der, err := MarshalSubject(rdns)
		if err != nil {
			t.Fatalf("MarshalSubject(ParseSubject(%q)): %v", s, err)
		}
		entries, err := parseName(der)
		if err != nil {
			t.Fatalf("encoding of %q does not parse: %v", s, err)
		}
		n := 0
		for _, rdn := range rdns {
			n += len(rdn)
		}
		if len(entries) != n {
			t.Fatalf("%q: %d attributes parsed, %d encoded", s, n, len(entries))
		}
		for _, format := range []func([]byte) (string, error){FormatSubject, FormatRFC2253} {
			out, err := format(der)
			if err != nil {
				t.Fatalf("formatting %q: %v", s, err)
			}
			for _, c := range []byte(out) {
				if c < 0x20 || c > 0x7e {
					t.Fatalf("formatting %q gave the unescaped byte %#x in %q", s, c, out)
				}
			}
		}
	})
}

// FuzzFormatName feeds arbitrary DER to the name printers, which read names
// from certificates of any origin.
func FuzzFormatName(f *testing.F) {
	for _, s := range []string{"/C=US/O=Acme/CN=db", "/CN=a+OU=b", "/1.2.3.4=x"} {
		rdns, err := ParseSubject(s)
		if err != nil {
			f.Fatal(err)
		}
		der, err := MarshalSubject(rdns)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x0b, 0x31, 0x09, 0x30, 0x07, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x01})
	f.Fuzz(func(t *testing.T, der []byte) {
		for _, format := range []func([]byte) (string, error){FormatSubject, FormatRFC2253} {
			out, err := format(der)
			if err == nil && !utf8.ValidString(out) {
				t.Fatalf("output %q is not UTF-8", out)
			}
		}
		_ = commonName(der)
	})
}

// FuzzParseSANs checks that ParseSANs never panics and that what it accepts
// survives a round trip through String.
func FuzzParseSANs(f *testing.F) {
	for _, s := range []string{
		"DNS:db.example.com,IP:10.0.0.5,email:dba@example.com,URI:https://db.example.com/",
		"IP:::1, DNS:*.example.com",
		"DNS:",
		"email:copy",
		"RID:1.2.3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sans, err := ParseSANs(s)
		if err != nil {
			var se *SANError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSANs(%q) error %T is not a *SANError", s, err)
			}
			return
		}
		again, err := ParseSANs(sans.String())
		if err != nil {
			t.Fatalf("ParseSANs(%q) = %q, which does not parse: %v", s, sans, err)
		}
		if again.String() != sans.String() {
			t.Fatalf("round trip of %q: %q then %q", s, sans, again)
		}
	})
}

// FuzzParseRequest checks that ParseRequest never panics on any input and
// that a request it accepts has a valid signature.
func FuzzParseRequest(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csr"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "ec.der"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	key := testpki.KeyOf(f, testpki.P256)
	der, err := NewRequest(key, mustSubject(f, "/CN=db.example.com"), SANs{}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(der)
	f.Add(pemBlock("NEW CERTIFICATE REQUEST", der))
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := ParseRequest(data)
		if err != nil {
			return
		}
		if err := CheckRequestSignature(req); err != nil {
			t.Fatalf("accepted a request whose signature fails: %v", err)
		}
		if !bytes.Contains(data, req.Raw) && !bytes.Contains(data, []byte("-----BEGIN")) {
			t.Fatal("DER input parsed into a request it does not contain")
		}
	})
}
