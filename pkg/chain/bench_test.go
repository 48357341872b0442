package chain

import (
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// bigBundle is a trust bundle of n roots, the size of a system CA store, plus a leaf
// chain whose root is in it.
func bigBundle(b *testing.B, n int) (leaf, inter *testpki.Cert, roots []*testpki.Cert) {
	b.Helper()
	for i := 0; i < n; i++ {
		roots = append(roots, testpki.Root(b, "Bundle Root "+string(rune('A'+i%26))+string(rune('a'+i/26))))
	}
	inter = roots[n/2].Intermediate(b, "Inter")
	return inter.Server(b, "db.example.com"), inter, roots
}

func BenchmarkParseBundle150(b *testing.B) {
	_, _, roots := bigBundle(b, 150)
	data := testpki.Bundle(roots...)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseCertificates(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildWithRootFile150(b *testing.B) {
	leaf, inter, roots := bigBundle(b, 150)
	opts := BuildOptions{Now: testpki.Now, Roots: ins(roots...), RequireRoot: true}
	for b.Loop() {
		if _, err := Build(ins(leaf, inter), opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildCrossSigned(b *testing.B) {
	r1 := testpki.Root(b, "R1")
	r2 := testpki.Root(b, "R2")
	iR2 := r2.Intermediate(b, "I")
	iR1 := testpki.Make(b, testpki.Template{CN: "I", IsCA: true, MaxPath: -1, Key: iR2.Key}, r1)
	r2R1 := testpki.Make(b, testpki.Template{CN: "R2", IsCA: true, MaxPath: -1, Key: r2.Key}, r1)
	inputs := ins(iR2.Server(b, "x.example.com"), iR1, r2, iR2, r1, r2R1)
	for b.Loop() {
		if _, err := Build(inputs, BuildOptions{Now: testpki.Now}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyWithRootFile150(b *testing.B) {
	leaf, inter, roots := bigBundle(b, 150)
	opts := VerifyOptions{Now: testpki.Now, Roots: ins(roots...), Intermediates: ins(inter), Purpose: PurposeServer}
	for b.Loop() {
		if _, err := Verify(in(leaf), opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildRoots150(b *testing.B) {
	_, _, roots := bigBundle(b, 150)
	inputs := ins(roots...)
	for b.Loop() {
		r, err := BuildRoots(inputs, RootsOptions{Now: testpki.Now})
		if err != nil {
			b.Fatal(err)
		}
		_ = r.PEM()
	}
}
