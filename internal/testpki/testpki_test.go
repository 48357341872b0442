package testpki

import (
	"crypto/x509"
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
