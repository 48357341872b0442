package chain

import (
	"fmt"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// scaleSizes are the bundle sizes of the growth benchmarks: bench/scale/run.sh prints
// the time per root, which stays flat when the work is linear.
var scaleSizes = []int{100, 1000, 10000}

// scaleRoots returns n distinct roots, made once per test binary: 10,000 ECDSA roots
// take a second to make.
func scaleRoots(b *testing.B, n int) []*testpki.Cert {
	b.Helper()
	for len(scaleRootCache) < n {
		scaleRootCache = append(scaleRootCache, testpki.Root(b, fmt.Sprintf("Scale Root %d", len(scaleRootCache))))
	}
	return scaleRootCache[:n]
}

var scaleRootCache []*testpki.Cert

// BenchmarkRootsBundle is pgcert root on a bundle of N roots: checking each and
// writing root.crt.
func BenchmarkRootsBundle(b *testing.B) {
	for _, n := range scaleSizes {
		inputs := ins(scaleRoots(b, n)...)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				r, err := BuildRoots(inputs, RootsOptions{Now: testpki.Now})
				if err != nil {
					b.Fatal(err)
				}
				_ = r.PEM()
			}
		})
	}
}

// BenchmarkVerifyRootsBundle is pgcert verify of a server chain against a root file
// of N roots, the chain's own root among them.
func BenchmarkVerifyRootsBundle(b *testing.B) {
	for _, n := range scaleSizes {
		roots := scaleRoots(b, n)
		inter := roots[n/2].Intermediate(b, "Scale Inter")
		leaf := inter.Server(b, "db.example.com")
		opts := VerifyOptions{Now: testpki.Now, Roots: ins(roots...), Intermediates: ins(inter), Purpose: PurposeServer}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Verify(in(leaf), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
