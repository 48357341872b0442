package selfsign

import (
	"testing"

	"github.com/pgcert/pgcert/internal/lintcert"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestZlint runs zlint over every kind of certificate pgcert makes, for
// every key type, and accepts no error, warning or fatal result.
func TestZlint(t *testing.T) {
	t.Parallel()
	for _, kind := range testpki.KeyKinds {
		t.Run(string(kind), func(t *testing.T) {
			root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/C=US/O=Acme/CN=Acme Root CA"), PathLen: 1}, kind, nil)
			inter := build(t, Spec{Profile: IntermediateCA, Subject: mustSubject(t, "/C=US/O=Acme/CN=Acme Intermediate CA"), PathLen: 0}, kind, root)
			key := testpki.KeyOf(t, kind)
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
				lintcert.Certificate(t, c.name, c.der)
			}
		})
	}
}
