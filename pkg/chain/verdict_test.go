package chain

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func TestVerifyFileVerdict(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	in := func(c *testpki.Cert, file string) Input { return Input{Cert: c.Cert, File: file} }
	roots := []Input{in(root, "root.crt")}

	v, err := VerifyFile("server.crt", []Input{in(leaf, "server.crt"), in(inter, "server.crt")},
		VerifyOptions{Now: testpki.Now, Roots: roots, Purpose: PurposeServer}, []string{"db.example.com", "other.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Err != nil || len(v.Chain) != 3 || v.OK() {
		t.Fatalf("verdict %+v: want a verified chain of 3 and a failing host", v)
	}
	if v.Hosts[0].Err != nil || v.Hosts[1].Err == nil || !strings.Contains(v.Hosts[1].Fix(), "pgcert ca issue server --host other.example.com") {
		t.Errorf("hosts %+v", v.Hosts)
	}
	r := v.Report()
	if r.OK || r.Purpose != "server" || r.Error != nil || len(r.Chain) != 3 || r.Chain[0].Role != RoleLeaf || r.Chain[2].Role != RoleRoot ||
		len(r.Hosts) != 2 || !r.Hosts[0].OK || r.Hosts[1].OK || r.Hosts[1].Message == "" {
		t.Errorf("report %+v", r)
	}

	// Without the intermediate OpenSSL stops below any root: no certificate of the
	// chain is then the root.
	v, err = VerifyFile("server.crt", []Input{in(leaf, "server.crt")}, VerifyOptions{Now: testpki.Now, Roots: roots, Purpose: PurposeServer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.OK() || v.Err == nil || v.Err.Reason != UnableToGetIssuerCertLocally {
		t.Fatalf("verdict %+v", v)
	}
	r = v.Report()
	if r.Error == nil || r.Error.Code != int(UnableToGetIssuerCertLocally) || r.Error.Client != "SSL error: certificate verify failed" ||
		r.Error.Server != "could not accept SSL connection: "+UnableToGetIssuerCertLocally.Alert() || !strings.Contains(r.Error.Fix, "append the intermediates") {
		t.Errorf("error %+v", r.Error)
	}
	for _, e := range r.Chain {
		if e.Role == RoleRoot {
			t.Errorf("a chain that stops below any root has a root: %+v", r.Chain)
		}
	}

	// The server checking a client's certificate prints the other side's words.
	client, server := PeerWords(PurposeClient, CertHasExpired)
	if client != "SSL error: "+CertHasExpired.Alert() || server != "could not accept SSL connection: certificate verify failed" {
		t.Errorf("client purpose words %q, %q", client, server)
	}
}

func TestPurposeOf(t *testing.T) {
	root := testpki.Root(t, "Root")
	for _, tc := range []struct {
		eku  []x509.ExtKeyUsage
		want Purpose
	}{
		{nil, PurposeServer},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, PurposeClient},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, PurposeServer},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, PurposeServer},
	} {
		c := testpki.Make(t, testpki.Template{CN: "x", EKU: tc.eku}, root)
		if got := PurposeOf(c.Cert); got != tc.want {
			t.Errorf("EKU %v: %s, want %s", tc.eku, got.Name(), tc.want.Name())
		}
	}
}

// TestVerifyFixes checks that every reason Verify can give has its own fix, naming
// the certificate or the CA whose CRL is at fault.
func TestVerifyFixes(t *testing.T) {
	in := Input{Cert: testpki.Root(t, "Some CA").Cert, File: "ca.pem"}
	seen := map[string]Reason{}
	for r := Reason(0); r < 100; r++ {
		if r.String() == Reason(-1).String() {
			continue
		}
		fix := (&VerifyError{Reason: r, Cert: in, CRLIssuer: "CN=Some CA"}).Fix(PurposeServer)
		if !strings.Contains(fix, "CN=Some CA") {
			t.Errorf("%s: the fix names neither the certificate nor the CRL issuer: %s", r, fix)
		}
		if prev, ok := seen[fix]; ok {
			t.Errorf("%s and %s share a fix: %s", prev, r, fix)
		}
		seen[fix] = r
	}
}
