package selfsign

import (
	"sort"
	"testing"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"
)

// zlintRegistry holds the lints of the standards pgcert follows: RFC 5280,
// RFC 5480 and RFC 3279 (key and signature encodings), RFC 8813 (ECDSA key
// usage) and zlint's community lints. The CA/Browser Forum and browser root
// program lints are left out: they govern public web PKI, not a private CA
// for PostgreSQL.
func zlintRegistry(t *testing.T) lint.Registry {
	t.Helper()
	reg, err := lint.GlobalRegistry().Filter(lint.FilterOptions{
		IncludeSources: lint.SourceList{lint.RFC5280, lint.RFC5480, lint.RFC3279, lint.RFC8813, lint.Community},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(reg.Names()); n < 100 {
		t.Fatalf("only %d lints selected; the source filter is wrong", n)
	}
	return reg
}

// TestZlint runs zlint over every kind of certificate pgcert makes, for
// every key type, and accepts no error, warning or fatal result.
func TestZlint(t *testing.T) {
	t.Parallel()
	reg := zlintRegistry(t)
	for _, kind := range allKinds {
		t.Run(string(kind), func(t *testing.T) {
			root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/C=US/O=Acme/CN=Acme Root CA"), PathLen: 1}, kind, nil)
			inter := build(t, Spec{Profile: IntermediateCA, Subject: mustSubject(t, "/C=US/O=Acme/CN=Acme Intermediate CA"), PathLen: 0}, kind, root)
			key := newKey(t, kind)
			csr, err := NewRequest(key, mustSubject(t, "/CN=db.example.com"), SANs{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			req, err := ParseRequest(csr)
			if err != nil {
				t.Fatal(err)
			}
			selfDER, err := SelfSign(req, key, 0, testNow, nil)
			if err != nil {
				t.Fatal(err)
			}
			certs := []struct {
				name string
				der  []byte
			}{
				{"root CA", root.cert.Raw},
				{"unconstrained root CA", build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/CN=Root"), PathLen: NoPathLen}, kind, nil).cert.Raw},
				{"intermediate CA", inter.cert.Raw},
				{"server with DNS SANs", build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/O=Acme/CN=db.example.com"), SANs: mustSANs(t, "DNS:db.example.com,DNS:*.db.example.com")}, kind, inter).cert.Raw},
				{"server with IP SANs", build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=10.0.0.5"), SANs: mustSANs(t, "IP:10.0.0.5,IP:2001:db8::5")}, kind, inter).cert.Raw},
				{"server, CN only", build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db.example.com")}, kind, inter).cert.Raw},
				{"server, IP CN only", build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=192.0.2.7")}, kind, inter).cert.Raw},
				{"server, no subject", build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/"), SANs: mustSANs(t, "DNS:db.example.com")}, kind, inter).cert.Raw},
				{"client", build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/CN=alice")}, kind, inter).cert.Raw},
				{"client with a role name", build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/O=Acme/CN=Alice Smith")}, kind, inter).cert.Raw},
				{"client with email", build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/CN=alice/emailAddress=alice@example.com"), SANs: mustSANs(t, "email:alice@example.com")}, kind, inter).cert.Raw},
				{"self-signed server", selfDER},
				{"self-signed client", build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/CN=alice")}, kind, nil).cert.Raw},
			}
			for _, c := range certs {
				zc, err := zx509.ParseCertificate(c.der)
				if err != nil {
					t.Fatalf("%s: zcrypto cannot parse it: %v", c.name, err)
				}
				rs := zlint.LintCertificateEx(zc, reg)
				var bad []string
				for name, r := range rs.Results {
					if r.Status == lint.Warn || r.Status == lint.Error || r.Status == lint.Fatal {
						bad = append(bad, name+": "+r.Status.String()+" "+r.Details)
					}
				}
				sort.Strings(bad)
				for _, b := range bad {
					t.Errorf("%s: %s", c.name, b)
				}
				if len(rs.Results) < 50 {
					t.Errorf("%s: only %d lints ran", c.name, len(rs.Results))
				}
			}
		})
	}
}
