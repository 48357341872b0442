package inspect

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/url"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func mustSubject(t testing.TB, s string) pkix.RDNSequence {
	t.Helper()
	rdns, err := selfsign.ParseSubject(s)
	if err != nil {
		t.Fatal(err)
	}
	return rdns
}

func mustSANs(t testing.TB, s string) selfsign.SANs {
	t.Helper()
	sans, err := selfsign.ParseSANs(s)
	if err != nil {
		t.Fatal(err)
	}
	return sans
}

// issued is a certificate with its key.
type issued struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// build makes a certificate of spec for a fresh key of kind, issued by parent (nil:
// self-signed), at testpki.Now.
func build(t testing.TB, spec selfsign.Spec, kind testpki.KeyKind, parent *issued) *issued {
	t.Helper()
	key := testpki.KeyOf(t, kind)
	var issuer *x509.Certificate
	signer := key
	if parent != nil {
		issuer, signer = parent.cert, parent.key
	}
	spec.Now = testpki.Now
	der, err := selfsign.Build(spec, issuer, signer, key.Public())
	if err != nil {
		t.Fatalf("Build(%v, %s): %v", spec.Profile, kind, err)
	}
	return &issued{cert: testpki.ParseCert(t, der), key: key}
}

// trimLines removes trailing spaces from every line, which openssl leaves
// after extension names and pgcert does not.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestTextMatchesOpenSSL compares TextCertificate and TextRequest with
// `openssl x509 -text -noout` and `openssl req -text -noout`: the same text
// but for trailing spaces.
func TestTextMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	var certs []*x509.Certificate
	for _, kind := range testpki.KeyKinds {
		root := build(t, selfsign.Spec{Profile: selfsign.RootCA, Subject: mustSubject(t, "/C=US/O=Acme/CN=Root"), PathLen: selfsign.NoPathLen}, kind, nil)
		inter := build(t, selfsign.Spec{Profile: selfsign.IntermediateCA, Subject: mustSubject(t, "/CN=Inter"), PathLen: 0}, kind, root)
		server := build(t, selfsign.Spec{Profile: selfsign.ServerLeaf, Subject: mustSubject(t, "/CN=db.example.com/O=Ünïcode, \"Inc\""),
			SANs: mustSANs(t, "DNS:db.example.com,IP:10.0.0.5,IP:2001:db8::1,email:dba@example.com,URI:https://db.example.com/pg")}, kind, inter)
		client := build(t, selfsign.Spec{Profile: selfsign.ClientLeaf, Subject: mustSubject(t, "/CN=alice"), Serial: big.NewInt(4096)}, kind, inter)
		certs = append(certs, root.cert, inter.cert, server.cert, client.cert)
	}
	// Extensions pgcert does not make but may have to show.
	key := testpki.KeyOf(t, testpki.P256)
	tpl := &x509.Certificate{
		SerialNumber:          new(big.Int).Lsh(big.NewInt(1), 63),
		Subject:               pkix.Name{CommonName: "other"},
		NotBefore:             testpki.Now,
		NotAfter:              testpki.Now.AddDate(1, 0, 0),
		CRLDistributionPoints: []string{"http://crl.example.com/root.crl", "ldap://ldap.example.com/cn=crl"},
		OCSPServer:            []string{"http://ocsp.example.com"},
		IssuingCertificateURL: []string{"http://ca.example.com/root.crt"},
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageAny},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{{1, 2, 3, 4}},
		KeyUsage:              x509.KeyUsageContentCommitment | x509.KeyUsageDataEncipherment | x509.KeyUsageKeyAgreement | x509.KeyUsageEncipherOnly | x509.KeyUsageDecipherOnly,
		URIs:                  []*url.URL{{Scheme: "urn", Opaque: "x"}},
		ExtraExtensions:       []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4, 5}, Value: []byte{0x04, 0x02, 0xab, 0xcd}}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	certs = append(certs, testpki.ParseCert(t, der))

	for i, c := range certs {
		path := testpki.WritePEM(t, "c.pem", "CERTIFICATE", c.Raw)
		want := trimLines(string(testenv.OpenSSL(t, "x509", "-text", "-noout", "-in", path)))
		if got := TextCertificate(c); got != want {
			t.Errorf("certificate %d (%s):\n--- pgcert\n%s\n--- openssl\n%s", i, c.Subject, got, want)
		}
	}

	for _, kind := range testpki.KeyKinds {
		for _, sans := range []selfsign.SANs{{}, mustSANs(t, "DNS:db.example.com,IP:10.0.0.5")} {
			der, err := selfsign.NewRequest(testpki.KeyOf(t, kind), mustSubject(t, "/C=US/CN=Alice Smith"), sans, nil)
			if err != nil {
				t.Fatal(err)
			}
			req, err := selfsign.ParseRequest(der)
			if err != nil {
				t.Fatal(err)
			}
			path := testpki.WritePEM(t, "r.pem", "CERTIFICATE REQUEST", der)
			want := trimLines(string(testenv.OpenSSL(t, "req", "-text", "-noout", "-in", path)))
			if got := TextRequest(req); got != want {
				t.Errorf("%s request:\n--- pgcert\n%s\n--- openssl\n%s", kind, got, want)
			}
		}
	}
}
