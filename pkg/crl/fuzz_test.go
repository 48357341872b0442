package crl

import (
	"bytes"
	"crypto/x509"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	for _, name := range []string{"inter.crl", "inter-text.crl", "inter.der", "root-1.crl"} {
		seeds = append(seeds, readFixture(f, name))
	}
	ca := testpki.Root(f, "Fuzz CA")
	seeds = append(seeds, mustBuild(f, params(ca, 1), allKinds()), mustBuild(f, params(ca, 2), nil))
	return seeds
}

// FuzzParseCRLs: ParseCRLs must not panic, and must find as many CRLs as SplitCRLs.
func FuzzParseCRLs(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte("-----BEGIN X509 CRL-----\n-----END X509 CRL-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		crls, err := ParseCRLs(data)
		if err != nil {
			return
		}
		ders, err := SplitCRLs(data)
		if err != nil || len(ders) != len(crls) {
			t.Fatalf("ParseCRLs found %d CRLs, SplitCRLs %d (%v)", len(crls), len(ders), err)
		}
	})
}

// FuzzScanEntries: Describe and ScanEntries must not panic; ScanEntries must see as
// many entries as Describe counted; where crypto/x509 also reads the CRL, both must
// agree on what it says.
func FuzzScanEntries(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		if ders, err := SplitCRLs(s); err == nil {
			for _, d := range ders {
				f.Add(d)
			}
		}
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		info, err := Describe(der)
		if err != nil {
			return
		}
		n := 0
		if err := info.ScanEntries(func(Entry) error { n++; return nil }); err == nil && n != info.Entries {
			t.Fatalf("Describe counted %d entries, ScanEntries saw %d", info.Entries, n)
		}
		want, err := x509.ParseRevocationList(der)
		if err != nil {
			return
		}
		if !bytes.Equal(info.RawIssuer, want.RawIssuer) || !info.ThisUpdate.Equal(want.ThisUpdate) ||
			!info.NextUpdate.Equal(want.NextUpdate) || len(want.RevokedCertificateEntries) != info.Entries ||
			(info.Number == nil) != (want.Number == nil) || info.Number != nil && info.Number.Cmp(want.Number) != 0 {
			t.Fatalf("Describe %+v\ndisagrees with crypto/x509 %+v", info, want)
		}
	})
}

// FuzzNameHash: NameHash must not panic and must be deterministic.
func FuzzNameHash(f *testing.F) {
	for _, raw := range hashNames {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h1, err1 := NameHash(raw)
		h2, err2 := NameHash(raw)
		if h1 != h2 || (err1 == nil) != (err2 == nil) {
			t.Fatal("NameHash is not deterministic")
		}
	})
}
