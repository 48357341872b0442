package crl

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
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

// FuzzCheckScope reads arbitrary issuing distribution point and CRL
// distribution points extensions: no panic, and a verdict that agrees with
// what ParseIDP read.
func FuzzCheckScope(f *testing.F) {
	issuer := []byte{0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 'r', 'o', 'o', 't'}
	uriIDP := []byte("\x30\x0c\xa0\x0a\xa0\x08\x86\x06http:x")
	uriCDP := []byte("\x30\x0c\x30\x0a\xa0\x08\xa0\x06\x86\x04http")
	f.Add(uriIDP, uriCDP, false)
	f.Add([]byte("\x30\x03\x81\x01\xff"), []byte{}, true)
	f.Add([]byte("\x30\x08\xa0\x06\xa1\x04\x30\x02\x06\x00"), uriCDP, false)
	f.Fuzz(func(t *testing.T, idp, cdp []byte, isCA bool) {
		l := &x509.RevocationList{RawIssuer: issuer, Extensions: []pkix.Extension{{Id: oidIssuingDistributionPoint, Critical: true, Value: idp}}}
		cert := &x509.Certificate{RawIssuer: issuer, IsCA: isCA, BasicConstraintsValid: true,
			Extensions: []pkix.Extension{{Id: oidCRLDistributionPoints, Value: cdp}}}
		p := ParseIDP(l)
		err := CheckScope(l, cert)
		var se *ScopeError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("CheckScope = %v, not a *ScopeError", err)
		}
		if p == nil {
			if err != nil {
				t.Fatalf("CheckScope = %v for an extension ParseIDP takes for none", err)
			}
			return
		}
		unusable := p.Invalid || p.IndirectCRL || p.OnlySomeReasons
		if se != nil && se.Unusable != unusable || se == nil && unusable {
			t.Fatalf("CheckScope = %v for %+v", err, p)
		}
		if se != nil && se.DistributionPoint && !p.HasDistributionPoint {
			t.Fatalf("left out for a distribution point the CRL does not name: %+v", p)
		}
		if !p.HasDistributionPoint && !p.OnlyUserCerts && !p.OnlyCACerts && !p.OnlyAttributeCerts && !unusable && err != nil {
			t.Fatalf("an unrestricted CRL leaves the certificate out: %v", err)
		}
	})
}
