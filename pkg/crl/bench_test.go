package crl

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
)

// benchSerials returns n random positive 16-byte serials, as pgcert issues them, in
// random order (the order an index of random serials has).
func benchSerials(n int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([][]byte, n)
	for i := range out {
		s := make([]byte, 16)
		for j := range s {
			s[j] = byte(rng.Uint32())
		}
		s[0] = s[0]&0x7f | 1
		out[i] = s
	}
	return out
}

// BenchmarkBuild measures a whole CRL: adding every entry, sorting, hashing, signing
// with ECDSA P-256 and writing PEM. bench/crl/run.sh compares the same work, index
// parsing included, with openssl ca -gencrl.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			ca := testpki.Root(b, "Bench CA")
			serials := benchSerials(n)
			p := params(ca, 1)
			revoked := p.ThisUpdate.Add(-time.Hour)
			var size int64
			for b.Loop() {
				bl := NewBuilder()
				for i, s := range serials {
					if err := bl.Add(Entry{Serial: s, RevocationTime: revoked, Reason: i % 6}); err != nil {
						b.Fatal(err)
					}
				}
				signed, err := bl.Sign(p)
				if err != nil {
					b.Fatal(err)
				}
				if size, err = signed.WritePEM(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "PEM-bytes")
		})
	}
}

// BenchmarkScanEntries measures walking a million-entry CRL, as `pgcert crl show`
// does.
func BenchmarkScanEntries(b *testing.B) {
	ca := testpki.Root(b, "Bench CA")
	bl := NewBuilder()
	for i, s := range benchSerials(1_000_000) {
		bl.Add(Entry{Serial: s, RevocationTime: testpki.Now, Reason: i % 6})
	}
	signed, err := bl.Sign(params(ca, 1))
	if err != nil {
		b.Fatal(err)
	}
	der := signed.DER()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := ScanEntries(der, func(Entry) error { n++; return nil }); err != nil || n != 1_000_000 {
			b.Fatal(n, err)
		}
	}
}
