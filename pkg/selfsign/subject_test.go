package selfsign

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
)

// render writes rdns as "CN=a+OU=b/O=c" with OIDs, values and RDN
// boundaries visible, for comparing results.
func render(rdns pkix.RDNSequence) string {
	var parts []string
	for _, rdn := range rdns {
		var atvs []string
		for _, atv := range rdn {
			atvs = append(atvs, fmt.Sprintf("%s=%v", attributeName(atv.Type), atv.Value))
		}
		parts = append(parts, strings.Join(atvs, "+"))
	}
	return strings.Join(parts, "/")
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"/C=US/ST=California/L=San Francisco/O=Acme/OU=DB/CN=db.example.com/emailAddress=dba@example.com",
			"C=US/ST=California/L=San Francisco/O=Acme/OU=DB/CN=db.example.com/emailAddress=dba@example.com"},
		// Order is kept as given, even when it is "backwards".
		{"/CN=db/O=Acme/C=US", "CN=db/O=Acme/C=US"},
		{"/O=x\\/y/CN=a\\+b", "O=x/y/CN=a+b"},
		{"/CN=back\\\\slash", "CN=back\\slash"},
		{"/CN=\\a\\b", "CN=ab"},
		{"/CN=a+OU=b/O=c", "CN=a+OU=b/O=c"},
		{"/CN=a+OU=b+O=c", "CN=a+OU=b+O=c"},
		{"/CN=a=b", "CN=a=b"},
		{"/CN= spaced ", "CN= spaced "},
		{"/", ""},
		{"/CN=a/", "CN=a"},
		{"/CN=a+", "CN=a"},
		// Empty values are skipped, as openssl skips them.
		{"/C=/ST=/O=Acme/CN=db", "O=Acme/CN=db"},
		{"/CN=+OU=b", "OU=b"},
		// Long names, any case.
		{"/commonName=a/organizationName=b/countryName=US", "CN=a/O=b/C=US"},
		{"/cn=a/o=b/EMAILADDRESS=x@y", "CN=a/O=b/emailAddress=x@y"},
		{"/DC=example/DC=com/UID=alice/street=1 Main St/title=DBA/GN=Ann/SN=Lee/serialNumber=42",
			"DC=example/DC=com/UID=alice/street=1 Main St/title=DBA/GN=Ann/SN=Lee/serialNumber=42"},
		// Dotted OIDs: a known one is the named attribute, others UTF8.
		{"/2.5.4.3=db", "CN=db"},
		{"/1.2.3.4=value/CN=db", "1.2.3.4=value/CN=db"},
		{"/CN=Jürgen", "CN=Jürgen"},
	}
	for _, tt := range tests {
		got, err := ParseSubject(tt.in)
		if err != nil {
			t.Errorf("ParseSubject(%q): %v", tt.in, err)
			continue
		}
		if r := render(got); r != tt.want {
			t.Errorf("ParseSubject(%q) = %q, want %q", tt.in, r, tt.want)
		}
		if _, err := MarshalSubject(got); err != nil {
			t.Errorf("MarshalSubject(ParseSubject(%q)): %v", tt.in, err)
		}
	}
}

func TestParseSubjectErrors(t *testing.T) {
	tests := []struct {
		in, part, reason string
	}{
		{"", "", "does not start with"},
		{"CN=db", "", "does not start with"},
		{"/CN", "CN", "missing \"=\""},
		{"/CN=a/O", "O", "missing \"=\""},
		{"/FOO=bar/CN=a", "FOO=bar", "unknown attribute type \"FOO\""},
		{"/CN=a//O=b", "/O=b", "unknown attribute type \"/O\""},
		{"/=x", "=x", "empty attribute type"},
		{"/CN=a\\", "CN=a\\", "escape character at the end"},
		{"/C=USA", "C=USA", "exactly 2 characters"},
		{"/C=U", "C=U", "exactly 2 characters"},
		{"/C=us", "C=us", "upper-case"},
		{"/C=U*", "C=U*", "PrintableString"},
		{"/serialNumber=a@b", "serialNumber=a@b", "PrintableString"},
		{"/emailAddress=jürgen@example.com", "emailAddress=jürgen@example.com", "not ASCII"},
		{"/DC=é", "DC=é", "not ASCII"},
		{"/CN=" + strings.Repeat("a", 65), "CN=" + strings.Repeat("a", 65), "65 characters long, more than the 64"},
		{"/O=" + strings.Repeat("é", 65), "O=" + strings.Repeat("é", 65), "more than the 64"},
		{"/CN=a\x01b", "CN=a\x01b", "control character"},
		{"/CN=a\u0085b", "CN=a\u0085b", "control character"},
		{"/3.1=x", "3.1=x", "do not exist"},
		{"/1.40=x", "1.40=x", "do not exist"},
		{"/1=x", "1=x", "at least two arcs"},
		{"/1..2=x", "1..2=x", "not an object identifier"},
		{"/1.02=x", "1.02=x", "not an object identifier"},
		{"/1.2.99999999999=x", "1.2.99999999999=x", "too large"},
		{"/x500UniqueIdentifier=x", "x500UniqueIdentifier=x", "unknown attribute type"},
		{"/2.5.4.45=x", "2.5.4.45=x", "not plain strings"},
		{"/CN=\xff", "", "UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseSubject(tt.in)
		var se *SubjectError
		if !errors.As(err, &se) {
			t.Errorf("ParseSubject(%q) error = %v, want a *SubjectError", tt.in, err)
			continue
		}
		if se.Part != tt.part || !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("ParseSubject(%q) = part %q reason %q, want part %q reason containing %q", tt.in, se.Part, se.Reason, tt.part, tt.reason)
		}
		if !strings.HasPrefix(err.Error(), "selfsign: ") {
			t.Errorf("error %q lacks the package prefix", err)
		}
	}
}

// TestMarshalSubjectTypes checks the string types each attribute gets.
func TestMarshalSubjectTypes(t *testing.T) {
	der, err := MarshalSubject(mustSubject(t, "/C=US/emailAddress=a@b.c/DC=com/serialNumber=7/CN=db/1.2.3.4=x"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := parseName(der)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{asn1.TagPrintableString, asn1.TagIA5String, asn1.TagIA5String, asn1.TagPrintableString, asn1.TagUTF8String, asn1.TagUTF8String}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, e := range entries {
		if e.value.Tag != want[i] {
			t.Errorf("entry %d (%v): tag %d, want %d", i, e.oid, e.value.Tag, want[i])
		}
	}
}

// TestMarshalSubjectFromPkixName checks that a subject built as a pkix.Name
// gets the same checks and types as a parsed one.
func TestMarshalSubjectFromPkixName(t *testing.T) {
	name := pkix.Name{Country: []string{"US"}, Organization: []string{"Acme"}, CommonName: "db"}
	der, err := MarshalSubject(name.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	want, err := MarshalSubject(mustSubject(t, "/C=US/O=Acme/CN=db"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(der, want) {
		t.Errorf("pkix.Name encodes as %x, ParseSubject's as %x", der, want)
	}
	bad := pkix.Name{Country: []string{"usa"}}
	var se *SubjectError
	if _, err := MarshalSubject(bad.ToRDNSequence()); !errors.As(err, &se) || se.Part != "C=usa" {
		t.Errorf("MarshalSubject(C=usa) error = %v, want a *SubjectError at C=usa", err)
	}
	if _, err := MarshalSubject(pkix.RDNSequence{{}}); !errors.As(err, &se) {
		t.Errorf("MarshalSubject(empty RDN) error = %v, want a *SubjectError", err)
	}
	phone := pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 20}, Value: "+1 555"}}}
	if _, err := MarshalSubject(phone); !errors.As(err, &se) || se.Part != "telephoneNumber=+1 555" {
		t.Errorf("MarshalSubject(telephoneNumber) error = %v, want a *SubjectError", err)
	}
}

// opensslSubjectDER returns the DER subject openssl req -subj writes.
func opensslSubjectDER(t *testing.T, subj string) []byte {
	t.Helper()
	dir := t.TempDir()
	key := writePEMKey(t, dir)
	out := dir + "/r.der"
	testenv.OpenSSL(t, "req", "-new", "-utf8", "-key", key, "-subj", subj, "-outform", "DER", "-out", out, "-config", writeMinimalConfig(t, dir))
	csr, err := x509.ParseCertificateRequest(testfs.Read(t, out))
	if err != nil {
		t.Fatal(err)
	}
	return csr.RawSubject
}

// TestSubjectEncodingMatchesOpenSSL proves that MarshalSubject(ParseSubject(s))
// is byte for byte the subject `openssl req -utf8 -subj s` writes.
func TestSubjectEncodingMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, s := range []string{
		"/C=US/ST=California/L=San Francisco/O=Acme, Inc./OU=DB/CN=db.example.com/emailAddress=dba@example.com",
		"/CN=db/O=Acme/C=US",
		"/OU=b+CN=a/O=x\\/y",
		"/CN=a+OU=b+O=c/DC=example/DC=com",
		"/CN=Jürgen Müller/O=Ünïcödé ✓",
		"/commonName=a/organizationName=b",
		"/UID=alice/street=1 Main St/title=DBA/GN=Ann/SN=Lee/serialNumber=42/postalCode=94105",
		"/C=/O=Acme/CN=db",
	} {
		want := opensslSubjectDER(t, s)
		got, err := MarshalSubject(mustSubject(t, s))
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%q:\n pgcert  %x\n openssl %x", s, got, want)
		}
	}
}

// TestFormatSubjectMatchesOpenSSL compares FormatSubject and FormatRFC2253
// with what openssl prints for -nameopt oneline (its default) and RFC2253
// (what the PostgreSQL server matches clientname=DN against), over every
// ASCII character at the start, middle and end of a value, non-ASCII
// characters, other string types, multi-valued RDNs and unknown attributes.
func TestFormatSubjectMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	var subjects []pkix.RDNSequence
	cn := func(v any) pkix.RDNSequence {
		return pkix.RDNSequence{{{Type: oidCommonName, Value: v}}}
	}
	// Characters are tried alone (last-character rules win over
	// first-character ones, as in OpenSSL) and first, inside and last at
	// once, sixteen RDNs to a name to keep the number of openssl runs down.
	var batch pkix.RDNSequence
	for c := byte(0x20); c < 0x7f; c++ {
		s := string(c)
		batch = append(batch, cn(s)[0], cn(s + "x" + s + "y" + s)[0])
		if len(batch) >= 16 || c == 0x7e {
			subjects = append(subjects, batch)
			batch = nil
		}
	}
	raw := func(tag int, b []byte) asn1.RawValue { return asn1.RawValue{Tag: tag, Bytes: b} }
	subjects = append(subjects,
		cn(raw(asn1.TagUTF8String, []byte("tab\there\x7f"))),
		cn(raw(asn1.TagUTF8String, []byte("\x00nul"))),
		cn("Jürgen ✓ 𝄞"),
		cn(" lead and trail "),
		cn(raw(asn1.TagT61String, []byte("caf\xe9"))),
		cn(raw(asn1.TagBMPString, []byte{0, 'B', 0, 'M', 0x00, 0xe9, 0x26, 0x13})),
		cn(raw(28, []byte{0, 0, 0, 'U', 0, 1, 0xd1, 0x1e})),
		cn(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: []byte{0x02, 0x01, 0x05}}),
		cn(raw(asn1.TagPrintableString, []byte("#1"))),
		mustSubject(t, "/C=US/O=Acme\\, Inc./OU=a+CN=b/1.2.3.4=unknown/DC=example/DC=com/emailAddress=x@y.z"),
		mustSubject(t, "/CN=a+OU=b+O=c/L=x"),
		mustSubject(t, "/UID=alice/street=Main/title=t/GN=g/SN=s/serialNumber=1/postalCode=p/initials=i/generationQualifier=q/dnQualifier=d/pseudonym=p/name=n/description=d/businessCategory=b/organizationIdentifier=o/role=r/jurisdictionC=US/jurisdictionST=s/jurisdictionL=l"),
		pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 2}, Value: raw(asn1.TagIA5String, []byte("unstructured"))}}},
		pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 20}, Value: raw(asn1.TagPrintableString, []byte("+1 555"))}}},
		pkix.RDNSequence{},
	)
	key := testpki.KeyOf(t, testpki.P256)
	var ders [][]byte
	var pemAll bytes.Buffer
	for _, rdns := range subjects {
		der, err := MarshalSubject(rdns)
		if err != nil {
			der, err = asn1.Marshal(rdns)
			if err != nil {
				t.Fatal(err)
			}
		}
		// A request made with the raw subject carries it to openssl unchanged.
		tpl := &x509.CertificateRequest{RawSubject: der, DNSNames: []string{"x"}}
		csr, err := x509.CreateCertificateRequest(nil, tpl, key)
		if err != nil {
			t.Fatal(err)
		}
		ders = append(ders, der)
		pemAll.Write(pemBlock("CERTIFICATE REQUEST", csr))
	}
	for _, style := range []struct {
		name    string
		nameopt string
		format  func([]byte) (string, error)
	}{
		{"oneline", "oneline", FormatSubject},
		{"RFC2253", "RFC2253", FormatRFC2253},
	} {
		lines := opensslSubjects(t, pemAll.Bytes(), len(ders), style.nameopt)
		for i, der := range ders {
			got, err := style.format(der)
			if err != nil {
				t.Errorf("%s %x: %v", style.name, der, err)
				continue
			}
			if got != lines[i] {
				t.Errorf("%s of %x:\n pgcert  %q\n openssl %q", style.name, der, got, lines[i])
			}
		}
	}
}

// opensslSubjects runs openssl req -subject over each request in pemData
// and returns the printed subjects without the "subject=" prefix.
func opensslSubjects(t *testing.T, pemData []byte, n int, nameopt string) []string {
	t.Helper()
	var out []string
	rest := pemData
	for len(out) < n {
		var block []byte
		end := bytes.Index(rest, []byte("-----END CERTIFICATE REQUEST-----\n"))
		block, rest = rest[:end+len("-----END CERTIFICATE REQUEST-----\n")], rest[end+len("-----END CERTIFICATE REQUEST-----\n"):]
		cmd := exec.Command(testenv.RequireOpenSSL(t), "req", "-noout", "-subject", "-nameopt", nameopt)
		cmd.Stdin = bytes.NewReader(block)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl req -subject: %v\n%s\n%s", err, ee(err), block)
		}
		line := strings.TrimSuffix(string(b), "\n")
		out = append(out, strings.TrimPrefix(line, "subject="))
	}
	return out
}

func TestFormatMalformedName(t *testing.T) {
	for _, der := range [][]byte{
		{0x30, 0x03, 0x02, 0x01, 0x01}, // an INTEGER where a SET belongs
		{0x30, 0x80},                   // indefinite length
		{0x30, 0x00, 0x00},             // trailing data
		{0x31, 0x00},                   // a SET, not a SEQUENCE
		{0x30, 0x05, 0x31, 0x03, 0x30, 0x01, 0x06}, // truncated attribute
	} {
		if s, err := FormatSubject(der); err == nil {
			t.Errorf("FormatSubject(%x) = %q, want an error", der, s)
		}
	}
	odd, err := asn1.Marshal(pkix.RDNSequence{{{Type: oidCommonName, Value: asn1.RawValue{Tag: asn1.TagBMPString, Bytes: []byte{0, 'a', 0}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := FormatRFC2253(odd); err == nil {
		t.Errorf("FormatRFC2253(odd-length BMPString) = %q, want an error", s)
	}
}
