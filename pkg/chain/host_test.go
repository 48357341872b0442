package chain

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// TestMatchHostLibpqCases runs the shared libpq table (internal/testpki.HostCases),
// whose answers are libpq 15's, read from its source; the end-to-end tests hold real
// libpq to the same table.
func TestMatchHostLibpqCases(t *testing.T) {
	ca := testpki.Root(t, "Host Test CA")
	for _, hc := range testpki.HostCases {
		t.Run(hc.Name, func(t *testing.T) {
			cert := hc.Make(t, ca).Cert
			checkHost(t, cert, hc.Host, hc.Err)
		})
	}
}

func checkHost(t *testing.T, cert *x509.Certificate, host, want string) {
	t.Helper()
	err := MatchHost(cert, host)
	if want == "" {
		if err != nil {
			t.Errorf("MatchHost(%q) = %v, want a match", host, err)
		}
		return
	}
	var he *HostError
	if !errors.As(err, &he) {
		t.Fatalf("MatchHost(%q) = %v, want a *HostError %q", host, err, want)
	}
	if he.Message != want {
		t.Errorf("MatchHost(%q):\n got %s\nwant %s", host, he.Message, want)
	}
	if he.Error() != "chain: "+want {
		t.Errorf("Error() = %q", he.Error())
	}
}

// TestMatchHostBeyondConninfo covers inputs a conninfo string cannot carry, so the
// end-to-end table cannot either.
func TestMatchHostBeyondConninfo(t *testing.T) {
	ca := testpki.Root(t, "Host Test CA")
	cert := testpki.HostCase{CNs: []string{"db.example.com"}}.Make(t, ca).Cert
	checkHost(t, cert, "", "host name must be specified for a verified SSL connection")
	checkHost(t, cert, "\x00db.example.com", "host name must be specified for a verified SSL connection")
	checkHost(t, cert, "db.example.com\x00.evil.example", "")

	// Go's x509 refuses to parse an iPAddress SAN that is neither 4 nor 16 bytes, but
	// libpq has its own message for one; feed MatchHost the extension directly.
	san, err := asn1.Marshal([]asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 7, Bytes: []byte{10, 0, 0}}})
	if err != nil {
		t.Fatal(err)
	}
	odd := &x509.Certificate{RawSubject: cert.RawSubject, Extensions: []pkix.Extension{{Id: oidSubjectAltName, Value: san}}}
	checkHost(t, odd, "10.0.0.1", "certificate contains IP address with invalid length 3")

	// A BMPString CN is compared as its UCS-2 bytes, whose zero bytes libpq takes for
	// an embedded NUL.
	var bmp []byte
	for _, c := range "db.example.com" {
		bmp = append(bmp, 0, byte(c))
	}
	bmpCert := testpki.Make(t, testpki.Template{RawSubject: rawName(t, asn1.RawValue{Tag: 30, Bytes: bmp})}, ca).Cert
	checkHost(t, bmpCert, "db.example.com", "SSL certificate's name contains embedded null")
	// A PrintableString or UTF8String CN compares as its bytes.
	checkHost(t, testpki.Make(t, testpki.Template{RawSubject: rawName(t, asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte("db.example.com")})}, ca).Cert, "db.example.com", "")
}

// rawName is a DER Name with a single CN of the given string type.
func rawName(t *testing.T, value asn1.RawValue) []byte {
	t.Helper()
	value.Class = asn1.ClassUniversal
	atv, err := asn1.Marshal(struct {
		Type  asn1.ObjectIdentifier
		Value asn1.RawValue
	}{oidCommonName, value})
	if err != nil {
		t.Fatal(err)
	}
	set, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: atv})
	if err != nil {
		t.Fatal(err)
	}
	name, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: set})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// TestHostErrorNames checks the names libpq examined, in its order: SANs in
// certificate order, then the CN when no SAN of the host's kind hid it.
func TestHostErrorNames(t *testing.T) {
	ca := testpki.Root(t, "Host Test CA")
	for _, tc := range []struct {
		sans []testpki.SAN
		host string
		want []string
	}{
		{[]testpki.SAN{testpki.IP("::ffff:10.0.0.1"), testpki.DNS("a.example.com")}, "db.example.com", []string{"::ffff:10.0.0.1", "a.example.com"}},
		{[]testpki.SAN{testpki.DNS("a.example.com"), testpki.DNS("b.example.com")}, "10.9.9.9", []string{"a.example.com", "b.example.com", "cn.example.com"}},
		{[]testpki.SAN{testpki.IP("10.0.0.1")}, "db.example.com", []string{"10.0.0.1", "cn.example.com"}},
	} {
		cert := testpki.HostCase{CNs: []string{"cn.example.com"}, SANs: tc.sans}.Make(t, ca).Cert
		var he *HostError
		if !errors.As(MatchHost(cert, tc.host), &he) {
			t.Fatalf("%s: want a *HostError", tc.host)
		}
		if fmt.Sprint(he.Names) != fmt.Sprint(tc.want) {
			t.Errorf("%s: Names = %q, want %q", tc.host, he.Names, tc.want)
		}
	}
}

// TestInetAton holds inetAton to glibc's inet_aton (the answers were taken from glibc
// 2.36 through Python's socket.inet_aton).
func TestInetAton(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "127.1": "127.0.0.1", "0x7f000001": "127.0.0.1", "0x7f.1": "127.0.0.1",
		"017700000001": "127.0.0.1", "1": "0.0.0.1", "1.2.3": "1.2.0.3", "1.2.3.4.5": "", "256.1.1.1": "",
		"1.2.3.256": "", "1.2.65535": "1.2.255.255", "1.2.65536": "", "08.1.1.1": "", "0x": "", "0x.1": "",
		"127.0.0.1 junk": "127.0.0.1", "127.0.0.1\tx": "127.0.0.1", "127.0.0.1x": "", " 127.0.0.1": "",
		"4294967295": "255.255.255.255", "4294967296": "", "1.16777215": "1.255.255.255", "1.16777216": "",
		"0": "0.0.0.0", "00": "0.0.0.0", "0x0": "0.0.0.0", "1..2": "", "1.": "", "127.0.0.01": "127.0.0.1",
		"0X7F.0.0.1": "127.0.0.1", "": "", "db.example.com": "", "99999999999999999999999": "",
	} {
		addr, ok := inetAton(in)
		got := ""
		if ok {
			got = ntop4(addr[:])
		}
		if got != want {
			t.Errorf("inetAton(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInetPton6 holds inetPton6 to glibc's inet_pton(AF_INET6), answers from glibc
// 2.36 through Python's socket.inet_pton.
func TestInetPton6(t *testing.T) {
	for in, want := range map[string]string{
		"::1": "00000000000000000000000000000001", "0:0:0:0:0:0:0:1": "00000000000000000000000000000001",
		"::": "00000000000000000000000000000000", "1::": "00010000000000000000000000000000", "1:": "",
		"::ffff:1.2.3.4": "00000000000000000000ffff01020304", "::1.2.3.4": "00000000000000000000000001020304",
		"1:2:3:4:5:6:7:8": "00010002000300040005000600070008", "1:2:3:4:5:6:7:8:9": "",
		"1:2:3:4:5:6:7::": "00010002000300040005000600070000", "::1:2:3:4:5:6:7": "00000001000200030004000500060007",
		"1::2::3": "", ":1": "", "fe80::1%eth0": "", "::ffff:01.2.3.4": "", "12345::": "",
		"1:2:3:4:5:6:1.2.3.4": "00010002000300040005000601020304", "1:2:3:4:5:6:7:1.2.3.4": "", "::1.2.3": "",
		"2001:DB8::1": "20010db8000000000000000000000001", " ::1": "", "::1 ": "", "": "", "127.0.0.1": "",
	} {
		addr, ok := inetPton6(in)
		got := ""
		if ok {
			got = hex.EncodeToString(addr[:])
		}
		if got != want {
			t.Errorf("inetPton6(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNtop6 holds ntop6 to PostgreSQL's pg_inet_net_ntop for /128 addresses, whose
// output libpq puts in its messages.
func TestNtop6(t *testing.T) {
	for in, want := range map[string]string{
		"00000000000000000000000000000001": "::1",
		"00000000000000000000000000000000": "::",
		"00000000000000000000000000000002": "::2",
		"00000000000000000000000001020304": "::1.2.3.4",
		"00000000000000000000ffff01020304": "::ffff:1.2.3.4",
		"20010db8000000000000000000000001": "2001:db8::1",
		"20010db8000000000001000000000000": "2001:db8:0:0:1::",
		"20010db8000000010000000000000001": "2001:db8:0:1::1",
		"00010002000300040005000600070008": "1:2:3:4:5:6:7:8",
		"00010000000200000003000000040000": "1:0:2:0:3:0:4:0",
		"fe800000000000000000000000000000": "fe80::",
	} {
		b, err := hex.DecodeString(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := ntop6(b); got != want {
			t.Errorf("ntop6(%s) = %q, want %q", in, got, want)
		}
	}
}
