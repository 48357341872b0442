package pgdata

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"strings"
	"testing"
)

func TestParseIdent(t *testing.T) {
	data := []byte("# comment\ncerts \"CN=alice,O=Acme\" alice\nre /^(.*)@example\\.com$ \\1\nbad a b c\nshort a\nlist a,b c\n")
	lines, err := ParseIdent("pg_ident.conf", data)
	if len(lines) != 2 || lines[0].SystemUser != "CN=alice,O=Acme" || lines[1].Role != `\1` || lines[1].Line != 3 {
		t.Errorf("lines %+v", lines)
	}
	var ce *ConfError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "invalid token at end of line") ||
		!strings.Contains(err.Error(), "missing entry at end of line") || !strings.Contains(err.Error(), "multiple values in ident field") {
		t.Errorf("errors: %v", err)
	}
}

func certWith(name pkix.Name) *x509.Certificate {
	return &x509.Certificate{Subject: name, RawSubject: mustMarshal(name)}
}

func TestCheckCertAuth(t *testing.T) {
	ident, err := ParseIdent("pg_ident.conf", []byte("certs \"CN=bob,O=Acme\" alice\nre /^(.*)-admin$ \\1\nre2 /^x(y)?z$ \\1\n"))
	if err != nil {
		t.Fatal(err)
	}
	alice := certWith(pkix.Name{CommonName: "alice", Organization: []string{"Acme"}})
	bob := certWith(pkix.Name{CommonName: "bob", Organization: []string{"Acme"}})
	admin := certWith(pkix.Name{CommonName: "alice-admin"})
	noCN := certWith(pkix.Name{Organization: []string{"mkcert development certificate"}, OrganizationalUnit: []string{"me@host"}})
	for _, tc := range []struct {
		name string
		cert *x509.Certificate
		o    CertAuthOptions
		ok   bool
		log  string
	}{
		{"CN matches", alice, CertAuthOptions{Role: "alice"}, true, ""},
		{"CN differs", alice, CertAuthOptions{Role: "bob"}, false, "provided user name (bob) and authenticated user name (alice) do not match"},
		{"no CN", noCN, CertAuthOptions{Role: "alice"}, false, `certificate authentication failed for user "alice": client certificate contains no user name`},
		{"DN is not the role", alice, CertAuthOptions{Role: "alice", ClientName: "DN"}, false, "authenticated user name (CN=alice,O=Acme)"},
		{"DN through a map", bob, CertAuthOptions{Role: "alice", ClientName: "DN", Map: "certs", Ident: ident}, true, ""},
		{"map misses", alice, CertAuthOptions{Role: "alice", ClientName: "DN", Map: "certs", Ident: ident}, false, `no match in usermap "certs" for user "alice" authenticated as "CN=alice,O=Acme"`},
		{"regex map", admin, CertAuthOptions{Role: "alice", Map: "re", Ident: ident}, true, ""},
		{"regex map, other role", admin, CertAuthOptions{Role: "bob", Map: "re", Ident: ident}, false, "no match in usermap"},
	} {
		a, err := CheckCertAuth(tc.cert, tc.o)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if a.OK != tc.ok || !strings.Contains(a.Log, tc.log) || (!tc.ok && a.Client != `FATAL:  certificate authentication failed for user "`+tc.o.Role+`"`) {
			t.Errorf("%s: %+v", tc.name, a)
		}
	}
	if _, err := CheckCertAuth(certWith(pkix.Name{CommonName: "xz"}), CertAuthOptions{Role: "y", Map: "re2", Ident: ident}); err == nil {
		t.Error("a backreference to a group that did not take part was accepted")
	}
}

func mustMarshal(n pkix.Name) []byte {
	der, err := asn1.Marshal(n.ToRDNSequence())
	if err != nil {
		panic(err)
	}
	return der
}
