package testpki

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"testing"
)

func TestHierarchyVerifies(t *testing.T) {
	root := Root(t, "Test Root")
	inter := root.Intermediate(t, "Test Intermediate")
	leaf := inter.Server(t, "db.example.com", "127.0.0.1")
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.Cert)
	inters.AddCert(inter.Cert)
	if _, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, DNSName: "db.example.com", CurrentTime: Now}); err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(inter.CRL(t, 1, Now, Now.AddDate(0, 0, 7), Revoked{Cert: leaf.Cert}))
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(inter.Cert); err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(leaf.Cert.SerialNumber) != 0 {
		t.Fatalf("CRL entries = %v", crl.RevokedCertificateEntries)
	}
}

// TestKeyOf: each kind is the key it names, fresh but for the one RSA key.
func TestKeyOf(t *testing.T) {
	for _, kind := range KeyKinds {
		var got string
		switch k := KeyOf(t, kind).(type) {
		case *ecdsa.PrivateKey:
			got = k.Curve.Params().Name
		case ed25519.PrivateKey:
			got = "Ed25519"
		case *rsa.PrivateKey:
			got = fmt.Sprintf("RSA-%d", k.N.BitLen())
		}
		if got != string(kind) {
			t.Errorf("KeyOf(%s) made a %q key", kind, got)
		}
	}
	if !RSAKey(t).Equal(KeyOf(t, RSA2048)) {
		t.Error("a second RSA key was made")
	}
	if KeyOf(t, P256).(*ecdsa.PrivateKey).Equal(KeyOf(t, P256)) {
		t.Error("the same P-256 key twice")
	}
}

func TestParseCRL(t *testing.T) {
	root := Root(t, "Test Root")
	data := root.CRLPEM(t, 3, Now, Now.AddDate(0, 0, 7))
	if l := ParseCRL(t, data); l.Number.Int64() != 3 || l.CheckSignatureFrom(root.Cert) != nil {
		t.Fatalf("CRL %v", l.Number)
	}
}
