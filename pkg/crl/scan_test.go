package crl

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
)

// scanSources are DER CRLs from openssl and from Build.
func scanSources(t *testing.T) map[string][]byte {
	t.Helper()
	ca := testpki.Root(t, "Scan CA")
	out := map[string][]byte{
		"openssl inter": readFixture(t, "inter.der"),
		"build empty":   mustBuild(t, params(ca, 0), nil),
		"build all":     mustBuild(t, params(ca, 1<<62), allKinds()),
	}
	for _, name := range []string{"root-1.crl", "root-2.crl"} {
		ders, err := SplitCRLs(readFixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		out["openssl "+name] = ders[0]
	}
	return out
}

func TestDescribeMatchesCryptoX509(t *testing.T) {
	for name, der := range scanSources(t) {
		t.Run(name, func(t *testing.T) {
			want, err := x509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Describe(der)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Raw, want.Raw) || !bytes.Equal(got.RawTBS, want.RawTBSRevocationList) ||
				!bytes.Equal(got.RawIssuer, want.RawIssuer) || got.Issuer.String() != want.Issuer.String() ||
				!bytes.Equal(got.Signature, want.Signature) || got.SignatureAlgorithm != want.SignatureAlgorithm ||
				!got.ThisUpdate.Equal(want.ThisUpdate) || !got.NextUpdate.Equal(want.NextUpdate) ||
				got.Number.Cmp(want.Number) != 0 || !bytes.Equal(got.AuthorityKeyID, want.AuthorityKeyId) ||
				got.Entries != len(want.RevokedCertificateEntries) || got.Version != 2 {
				t.Errorf("Describe = %+v\nx509 = %+v", got, want)
			}
			if got.SignatureAlgorithmOID.String() != "1.2.840.10045.4.3.2" {
				t.Errorf("signature OID %v", got.SignatureAlgorithmOID)
			}
			var entries []Entry
			if err := ScanEntries(der, func(e Entry) error {
				e.Serial = bytes.Clone(e.Serial)
				entries = append(entries, e)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(want.RevokedCertificateEntries) {
				t.Fatalf("%d entries, want %d", len(entries), len(want.RevokedCertificateEntries))
			}
			for i, w := range want.RevokedCertificateEntries {
				e := entries[i]
				if new(big.Int).SetBytes(e.Serial).Cmp(w.SerialNumber) != 0 || !e.RevocationTime.Equal(w.RevocationTime) || e.Reason != w.ReasonCode {
					t.Errorf("entry %d: %+v, want %v %v %d", i, e, w.SerialNumber, w.RevocationTime, w.ReasonCode)
				}
				for _, ext := range w.Extensions {
					switch {
					case ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 24}):
						var when time.Time
						if _, err := asn1.Unmarshal(ext.Value, &when); err != nil || !when.Equal(e.InvalidityDate) {
							t.Errorf("entry %d: invalidity date %v, want %v", i, e.InvalidityDate, when)
						}
					case ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 23}):
						var oid asn1.ObjectIdentifier
						if _, err := asn1.Unmarshal(ext.Value, &oid); err != nil || !oid.Equal(e.HoldInstruction) {
							t.Errorf("entry %d: hold %v, want %v", i, e.HoldInstruction, oid)
						}
					}
				}
			}
		})
	}
}

// The openssl fixture has one of each kind openssl writes.
func TestScanEntriesOpenSSLKinds(t *testing.T) {
	var entries []Entry
	if err := ScanEntries(readFixture(t, "inter.der"), func(e Entry) error {
		entries = append(entries, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	reasons := []int{0, 1, 2, 3, 4, 5, 6, 8, 6, 1, 2, 0}
	if len(entries) != len(reasons) {
		t.Fatalf("%d entries", len(entries))
	}
	for i, r := range reasons {
		if entries[i].Reason != r || new(big.Int).SetBytes(entries[i].Serial).Int64() != int64(i+1) {
			t.Errorf("entry %d: serial %x reason %d, want reason %d", i, entries[i].Serial, entries[i].Reason, r)
		}
	}
	if !entries[8].HoldInstruction.Equal(asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 3}) {
		t.Errorf("hold instruction %v", entries[8].HoldInstruction)
	}
	want := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	if !entries[9].InvalidityDate.Equal(want) || !entries[10].InvalidityDate.Equal(want) {
		t.Errorf("invalidity dates %v %v", entries[9].InvalidityDate, entries[10].InvalidityDate)
	}
}

func TestCheckSignatureFrom(t *testing.T) {
	info, err := Describe(readFixture(t, "inter.der"))
	if err != nil {
		t.Fatal(err)
	}
	certs := map[string]*x509.Certificate{"inter.pem": fixtureCert(t, "inter.pem"), "root.pem": fixtureCert(t, "root.pem")}
	if err := info.CheckSignatureFrom(certs["inter.pem"]); err != nil {
		t.Errorf("issuer: %v", err)
	}
	if err := info.CheckSignatureFrom(certs["root.pem"]); err == nil {
		t.Error("root verified the intermediate's CRL")
	}
	leaf := testpki.Root(t, "leaf").Client(t, "user")
	if err := info.CheckSignatureFrom(leaf.Cert); err == nil {
		t.Error("a leaf verified a CRL")
	}
}

func fixtureCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	certs, err := chain.ParseCertificates(readFixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}

func TestScanEntriesErrors(t *testing.T) {
	ca := testpki.Root(t, "Errors CA")
	der := mustBuild(t, params(ca, 1), allKinds())
	stop := errors.New("stop")
	n := 0
	if err := ScanEntries(der, func(Entry) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("callback error: %v after %d", err, n)
	}
	for i := range der {
		if i == 0 {
			continue
		}
		if _, err := Describe(der[:i]); !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncated to %d bytes: %v", i, err)
		}
	}
	// A negative serial, which RFC 5280 forbids.
	neg := slices.Clone(der)
	i := bytes.Index(neg, []byte{0x02, 0x01, 0x00})
	neg[i+2] = 0xff
	if err := ScanEntries(neg, func(Entry) error { return nil }); !errors.Is(err, ErrMalformed) {
		t.Errorf("negative serial: %v", err)
	}
}

// Scanning must not allocate per entry.
func TestScanEntriesAllocations(t *testing.T) {
	ca := testpki.Root(t, "Allocs CA")
	allocs := func(n int) float64 {
		b := NewBuilder()
		for i := range n {
			b.Add(Entry{Serial: new(big.Int).Lsh(big.NewInt(int64(i+1)), 64).Bytes(), RevocationTime: testpki.Now, Reason: i % 6})
		}
		s, err := b.Sign(params(ca, 1))
		if err != nil {
			t.Fatal(err)
		}
		der := s.DER()
		return testing.AllocsPerRun(3, func() {
			if err := ScanEntries(der, func(Entry) error { return nil }); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(100), allocs(20000)
	if large > small+10 {
		t.Errorf("%v allocations for 100 entries, %v for 20000", small, large)
	}
}

// A name crypto/x509 cannot decode still describes, with its raw form.
func TestDescribeUndecodableIssuer(t *testing.T) {
	raw := hashNames["universal"]
	der := mustBuild(t, params(selfSigned(t, raw), 1), allKinds()[:2])
	info, err := Describe(der)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(info.RawIssuer, raw) || info.Entries != 2 {
		t.Errorf("Describe = %+v", info)
	}
}
