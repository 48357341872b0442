package selfsign

import (
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func TestParseSANs(t *testing.T) {
	tests := []struct {
		in   string
		want string // SANs.String() of the result
	}{
		{"DNS:db.example.com", "DNS:db.example.com"},
		{"DNS:DB.Example.COM, IP:10.0.0.5 ,email:dba@Example.com,URI:https://db.example.com/x",
			"DNS:db.example.com,IP:10.0.0.5,email:dba@example.com,URI:https://db.example.com/x"},
		{"dns:a.example,ip:::1,Email:x@y.example,uri:urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
			"DNS:a.example,IP:::1,email:x@y.example,URI:urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"},
		{"DNS:*.example.com,DNS:example.com", "DNS:*.example.com,DNS:example.com"},
		{"DNS:a.example,DNS:A.example,IP:10.0.0.1,IP:10.0.0.1", "DNS:a.example,IP:10.0.0.1"},
		{"IP:2001:DB8::1", "IP:2001:db8::1"},
		{"DNS:my_db.internal", "DNS:my_db.internal"},
		{" DNS: a.example , IP: 10.0.0.1 ", "DNS:a.example,IP:10.0.0.1"},
	}
	for _, tt := range tests {
		got, err := ParseSANs(tt.in)
		if err != nil {
			t.Errorf("ParseSANs(%q): %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParseSANs(%q) = %q, want %q", tt.in, got.String(), tt.want)
		}
		again, err := ParseSANs(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("ParseSANs(%q.String()) = %v, %v; want the same SANs back", tt.in, again, err)
		}
	}
}

func TestParseSANsErrors(t *testing.T) {
	tests := []struct {
		in, value, reason string
	}{
		{"", "", "no names"},
		{"  ", "  ", "no names"},
		{"db.example.com", "db.example.com", "type prefix"},
		{"DNS:a,", "", "type prefix"},
		{"RID:1.2.3.4", "RID:1.2.3.4", "unsupported type"},
		{"email:copy", "email:copy", "not an email address"},
		{"dirName:dir_sect", "dirName:dir_sect", "unsupported type"},
		{"DNS:", "DNS:", "empty host name"},
		{"DNS:a..b", "DNS:a..b", "empty label"},
		{"DNS:-a.example", "DNS:-a.example", "hyphen"},
		{"DNS:a.example.", "DNS:a.example.", "ends with a dot"},
		{"DNS:a b.example", "DNS:a b.example", "contains ' '"},
		{"IP:10.0.0.256", "IP:10.0.0.256", "not an IPv4 or IPv6 address"},
		{"IP:fe80::1%eth0", "IP:fe80::1%eth0", "zone"},
		{"IP:db.example.com", "IP:db.example.com", "not an IPv4"},
		{"email:@example.com", "email:@example.com", "not an email address"},
		{"email:a@b@c", "email:a@b@c", "not an email address"},
		{"email:a b@example.com", "email:a b@example.com", "printable ASCII"},
		{"email:a@-bad-", "email:a@-bad-", "not a host name"},
		{"URI:/relative/path", "URI:/relative/path", "absolute"},
		{"URI:https://ex ample.com", "URI:https://ex ample.com", "without spaces"},
		{"URI:https:", "URI:https:", "names nothing"},
	}
	for _, tt := range tests {
		_, err := ParseSANs(tt.in)
		var se *SANError
		if !errors.As(err, &se) {
			t.Errorf("ParseSANs(%q) error = %v, want a *SANError", tt.in, err)
			continue
		}
		if se.Value != tt.value || !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("ParseSANs(%q) = value %q reason %q, want value %q reason containing %q", tt.in, se.Value, se.Reason, tt.value, tt.reason)
		}
	}
}

func TestHostSANs(t *testing.T) {
	got, err := HostSANs([]string{"DB.example.com", "10.0.0.5", "::1", "[2001:db8::7]", "*.Example.com", "localhost", "db.example.com", "10.0.0.5", "pg-1_replica"})
	if err != nil {
		t.Fatal(err)
	}
	want := SANs{
		DNS: []string{"db.example.com", "*.example.com", "localhost", "pg-1_replica"},
		IP:  []net.IP{net.ParseIP("10.0.0.5").To4(), net.ParseIP("::1"), net.ParseIP("2001:db8::7")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HostSANs = %#v, want %#v", got, want)
	}
	if len(got.IP[0]) != net.IPv4len {
		t.Errorf("IPv4 address kept as %d bytes, want 4", len(got.IP[0]))
	}
}

func TestHostSANsErrors(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		hosts  []string
		reason string
	}{
		{nil, "no host names"},
		{[]string{""}, "empty host name"},
		{[]string{"*"}, "wildcard"},
		{[]string{"a.*.example"}, "wildcard"},
		{[]string{"db*.example.com"}, "wildcard"},
		{[]string{"*.*.example.com"}, "wildcard"},
		{[]string{"1.2.3.256"}, "neither an IP address nor a host name"},
		{[]string{"10.0.0"}, "neither an IP address nor a host name"},
		{[]string{long + ".example"}, "longer than 63"},
		{[]string{strings.Repeat("abcdefghi.", 26)[:254]}, "more than 253"},
		{[]string{"bücher.example"}, "xn--"},
		{[]string{"db.example.com", "bad host"}, "contains ' '"},
		{[]string{"a-.example"}, "hyphen"},
		{[]string{"fe80::1%eth0"}, "zone"},
		{[]string{"db:5432"}, "not an IPv4 or IPv6 address"},
	}
	for _, tt := range tests {
		_, err := HostSANs(tt.hosts)
		var se *SANError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("HostSANs(%q) error = %v, want a *SANError containing %q", tt.hosts, err, tt.reason)
		}
	}
}

// TestCommonNameBecomesSAN checks the rule that every leaf carries a SAN:
// the given ones, else the Common Name as a DNS name or IP address.
func TestCommonNameBecomesSAN(t *testing.T) {
	tests := []struct {
		profile Profile
		subject string
		sans    string
		want    string
		err     error
	}{
		{ServerLeaf, "/CN=DB.Example.com", "", "DNS:db.example.com", nil},
		{ServerLeaf, "/CN=10.1.2.3", "", "IP:10.1.2.3", nil},
		{ServerLeaf, "/CN=2001:db8::1", "", "IP:2001:db8::1", nil},
		{ServerLeaf, "/CN=*.example.com", "", "DNS:*.example.com", nil},
		{ServerLeaf, "/O=Acme/CN=db.example.com/CN=other.example.com", "", "DNS:db.example.com", nil},
		{ServerLeaf, "/CN=db.example.com", "DNS:other.example.com", "DNS:other.example.com", nil},
		{ServerLeaf, "/CN=My Database", "", "", ErrNoHostName},
		{ServerLeaf, "/O=Acme", "", "", ErrNoHostName},
		{ServerLeaf, "/", "DNS:db.example.com", "DNS:db.example.com", nil},
		{ClientLeaf, "/CN=alice", "", "DNS:alice", nil},
		{ClientLeaf, "/CN=Alice Smith", "", "", nil},
		{ClientLeaf, "/", "", "", ErrNoName},
		{RootCA, "/CN=root.example.com", "", "", nil},
	}
	key := testpki.KeyOf(t, testpki.P256)
	for _, tt := range tests {
		spec := Spec{Profile: tt.profile, Subject: mustSubject(t, tt.subject), Now: testNow, PathLen: NoPathLen}
		if tt.sans != "" {
			spec.SANs = mustSANs(t, tt.sans)
		}
		der, err := Build(spec, nil, key, key.Public())
		if !errors.Is(err, tt.err) {
			t.Errorf("%v %q %q: error %v, want %v", tt.profile, tt.subject, tt.sans, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		c := testpki.ParseCert(t, der)
		if got := certSANs(c).String(); got != tt.want {
			t.Errorf("%v %q %q: SANs %q, want %q", tt.profile, tt.subject, tt.sans, got, tt.want)
		}
		csr, err := NewRequest(key, spec.Subject, spec.SANs, nil)
		if tt.profile == ServerLeaf && err != nil {
			t.Errorf("NewRequest(%q): %v", tt.subject, err)
			continue
		}
		if err == nil && tt.profile != RootCA {
			req, err := ParseRequest(csr)
			if err != nil {
				t.Fatal(err)
			}
			if got := RequestSANs(req).String(); got != tt.want {
				t.Errorf("NewRequest %q %q: SANs %q, want %q", tt.subject, tt.sans, got, tt.want)
			}
		}
	}
}

// TestDNSSANGivenAnAddress: an IP address given as DNS: is named as one, with the
// entry that would work.
func TestDNSSANGivenAnAddress(t *testing.T) {
	for _, in := range []string{"DNS:192.0.2.1", "DNS:::1"} {
		_, err := ParseSANs(in)
		var se *SANError
		if !errors.As(err, &se) {
			t.Fatalf("%s: %v, want a *SANError", in, err)
		}
		val := strings.TrimPrefix(in, "DNS:")
		if want := val + " is an IP address, which belongs in IP:" + val; se.Reason != want {
			t.Errorf("%s: reason %q, want %q", in, se.Reason, want)
		}
	}
}

func TestCheckWildcards(t *testing.T) {
	for _, tt := range []struct {
		hosts []string
		bad   string
	}{
		{[]string{"*.com"}, "*.com"},
		{[]string{"db.example.com", "*.ORG"}, "*.org"},
		{[]string{"*.internal"}, "*.internal"},
		{[]string{"*.example.com", "localhost", "10.0.0.1"}, ""},
		{[]string{"*.co.uk"}, ""}, // two labels: pgcert has no list of public suffixes
	} {
		sans, err := HostSANs(tt.hosts)
		if err != nil {
			t.Fatalf("HostSANs(%q): %v", tt.hosts, err)
		}
		err = CheckWildcards(sans)
		var we *WildcardError
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("%q: %v, want nil", tt.hosts, err)
		case tt.bad != "" && (!errors.As(err, &we) || we.Name != tt.bad):
			t.Errorf("%q: %v, want a *WildcardError for %s", tt.hosts, err, tt.bad)
		}
	}
	msg := (&WildcardError{Name: "*.com"}).Error()
	if want := `selfsign: *.com covers every host name under "com", a top-level domain: libpq would accept it for any of them`; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
}

// TestLongValuesShortened: a 100 KB host name or SAN is quoted by its first 64 bytes
// and its length, never whole.
func TestLongValuesShortened(t *testing.T) {
	long := strings.Repeat("h", 100<<10)
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"host", func() error { _, err := HostSANs([]string{long}); return err }()},
		{"address", func() error { _, err := HostSANs([]string{long + ":1"}); return err }()},
		{"URI", func() error { _, err := ParseSANs("URI:" + long + " x"); return err }()},
		{"email", func() error { _, err := ParseSANs("email:" + long); return err }()},
	} {
		if tt.err == nil {
			t.Fatalf("%s: no error", tt.name)
		}
		msg := tt.err.Error()
		if len(msg) > 300 || !strings.Contains(msg, "…(") || !strings.Contains(msg, " bytes)") {
			t.Errorf("%s: message of %d bytes: %.400s", tt.name, len(msg), msg)
		}
	}
	if got := Shorten("db.example.com"); got != "db.example.com" {
		t.Errorf("Shorten of a short name: %q", got)
	}
	// A cut never splits a UTF-8 sequence.
	got := Shorten(strings.Repeat("a", 63) + strings.Repeat("é", 10))
	if want := strings.Repeat("a", 63) + "…(83 bytes)"; got != want {
		t.Errorf("Shorten: %q, want %q", got, want)
	}
}
