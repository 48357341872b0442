package crl

import (
	"slices"
	"testing"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"

	"github.com/pgcert/pgcert/internal/testpki"
)

// Every RFC 5280 and community CRL lint of zlint must pass on what Build makes. The
// CA/Browser Forum lints are for public web PKI CRLs (a 10-day nextUpdate, for one)
// and are logged only.
func TestZlint(t *testing.T) {
	registry, err := lint.GlobalRegistry().Filter(lint.FilterOptions{
		IncludeSources: lint.SourceList{lint.RFC5280, lint.Community, lint.CABFBaselineRequirements},
	})
	if err != nil {
		t.Fatal(err)
	}
	ecdsaRoot, rsaRoot := testpki.Root(t, "Zlint CA"), rsaCA(t)
	for _, ca := range []*testpki.Cert{ecdsaRoot, rsaRoot} {
		for _, n := range []int{0, len(allKinds())} {
			der := mustBuild(t, params(ca, 3), allKinds()[:n])
			crl, err := zx509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			rs := zlint.LintRevocationListEx(crl, registry)
			ran := 0
			for _, name := range slices.Sorted(func(yield func(string) bool) {
				for k := range rs.Results {
					if !yield(k) {
						return
					}
				}
			}) {
				r := rs.Results[name]
				if r.Status == lint.NA || r.Status == lint.NE {
					continue
				}
				ran++
				if r.Status == lint.Pass {
					continue
				}
				src := registry.RevocationListLints().ByName(name).Source
				if src == lint.CABFBaselineRequirements {
					t.Logf("%s, %d entries: %s: %v %s", ca.Cert.PublicKeyAlgorithm, n, name, r.Status, r.Details)
					continue
				}
				t.Errorf("%s, %d entries: %s: %v %s", ca.Cert.PublicKeyAlgorithm, n, name, r.Status, r.Details)
			}
			if ran < 10 {
				t.Errorf("only %d lints applied", ran)
			}
		}
	}
}
