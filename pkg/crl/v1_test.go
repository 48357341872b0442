package crl

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func v1Fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "v1", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func pemCert(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestVersion1CRL reads the version 1 CRL openssl ca made (testdata/v1/mkv1.sh), which
// crypto/x509 refuses: its fields, its signature against its CA, the merge that
// chooses it for its CA, and the streaming description agree.
func TestVersion1CRL(t *testing.T) {
	data := v1Fixture(t, "v1.crl")
	if b, _ := pem.Decode(data); b == nil {
		t.Fatal("fixture is not PEM")
	} else if _, err := x509.ParseRevocationList(b.Bytes); err == nil {
		t.Fatal("crypto/x509 reads the fixture: it is not the version 1 CRL this test is about")
	}
	crls, err := ParseCRLs(data)
	if err != nil {
		t.Fatalf("ParseCRLs: %v", err)
	}
	if len(crls) != 1 {
		t.Fatalf("%d CRLs, want 1", len(crls))
	}
	rl := crls[0]
	ca := pemCert(t, v1Fixture(t, "ca.pem"))
	revoked := pemCert(t, v1Fixture(t, "revoked.pem"))
	if err := rl.CheckSignatureFrom(ca); err != nil {
		t.Errorf("the signature does not check against the CA: %v", err)
	}
	if b, _ := pem.Decode(data); string(rl.Raw) != string(b.Bytes) {
		t.Error("Raw is not the CRL as read")
	}
	if len(rl.RevokedCertificateEntries) != 1 || rl.RevokedCertificateEntries[0].SerialNumber.Cmp(revoked.SerialNumber) != 0 {
		t.Errorf("entries = %+v, want the serial of revoked.pem %v", rl.RevokedCertificateEntries, revoked.SerialNumber)
	}
	if rl.Issuer.CommonName != "Version 1 CRL Test CA" || rl.NextUpdate.Year() != 2036 {
		t.Errorf("issuer %q, next update %v", rl.Issuer.CommonName, rl.NextUpdate)
	}
	m, err := Merge(crls, []*x509.Certificate{ca}, time.Now(), false)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if m == nil {
		t.Fatal("Merge chose nothing")
	}
	b, _ := pem.Decode(data)
	info, err := Describe(b.Bytes)
	if err != nil || info.Version != 1 || info.Entries != 1 {
		t.Errorf("Describe: %+v, %v; want version 1 with one entry", info, err)
	}
}

// TestParseDERLeavesOtherErrors: input that is not a version 1 CRL keeps the error
// crypto/x509 gives it.
func TestParseDERLeavesOtherErrors(t *testing.T) {
	for _, der := range [][]byte{nil, {0x30, 0x00}, {0x30, 0x03, 0x02, 0x01, 0x05}, []byte("garbage")} {
		_, want := x509.ParseRevocationList(der)
		if _, err := ParseDER(der); err == nil || err.Error() != want.Error() {
			t.Errorf("ParseDER(%x) = %v, want %v", der, err, want)
		}
	}
}
