package crl

import (
	"crypto/x509"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
)

// scaleCRLs returns n CRLs of n distinct CAs and the CAs, made once per test binary.
func scaleCRLs(b *testing.B, n int) ([]*x509.RevocationList, []*x509.Certificate) {
	b.Helper()
	for len(scaleCRLCache) < n {
		ca := testpki.Root(b, fmt.Sprintf("Scale CA %d", len(scaleCRLCache)))
		bl := NewBuilder()
		if err := bl.Add(Entry{Serial: []byte{1, byte(len(scaleCRLCache))}, RevocationTime: testpki.Now.Add(-time.Hour)}); err != nil {
			b.Fatal(err)
		}
		s, err := bl.Sign(Params{Issuer: ca.Cert, Signer: ca.Key, Number: big.NewInt(1), ThisUpdate: testpki.Now, NextUpdate: testpki.Now.AddDate(0, 0, 30)})
		if err != nil {
			b.Fatal(err)
		}
		l, err := x509.ParseRevocationList(s.DER())
		if err != nil {
			b.Fatal(err)
		}
		scaleCRLCache = append(scaleCRLCache, l)
		scaleCACache = append(scaleCACache, ca.Cert)
	}
	return scaleCRLCache[:n], scaleCACache[:n]
}

var (
	scaleCRLCache []*x509.RevocationList
	scaleCACache  []*x509.Certificate
)

// BenchmarkMergeCRLs is pgcert crl merge of N CRLs, one per CA of a bundle of N CAs:
// finding each CRL's issuer, checking its signature, writing the file.
func BenchmarkMergeCRLs(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		crls, cas := scaleCRLs(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				m, err := Merge(crls, cas, testpki.Now, false)
				if err != nil || len(m.CRLs) != n {
					b.Fatal(err)
				}
				_ = m.PEM()
			}
		})
	}
}

// BenchmarkDirEntries is pgcert crl dir's naming of N CRLs (<hash>.r<N>, the names
// OpenSSL looks up).
func BenchmarkDirEntries(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		crls, _ := scaleCRLs(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := DirEntries(crls); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
