package ca

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkScanIndex reads a million-line index.
func BenchmarkScanIndex(b *testing.B) {
	var data []byte
	e := Entry{Status: StatusRevoked, Expires: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Revoked: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Reason: ReasonKeyCompromise,
		File: []byte("unknown"), Subject: []byte("/CN=client/O=Benchmark")}
	for i := range 1_000_000 {
		e.Serial = []byte{0x40, byte(i >> 16), byte(i >> 8), byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
		data, _ = AppendEntry(data, &e)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		n := 0
		if err := ScanIndex(bytes.NewReader(data), func(*Entry) error { n++; return nil }); err != nil || n != 1_000_000 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkScanListing is pgcert ca list's work on CA directories of N certificates
// (every tenth revoked, every copy present): reading newcerts/ once, the index as a
// stream, each line rendered as a ListedCert.
func BenchmarkScanListing(b *testing.B) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{100, 1000, 10000, 100000} {
		dir := filepath.Join(b.TempDir(), "ca")
		c, err := Create(dir, CreateOptions{CommonName: "Bench CA", Now: now})
		if err != nil {
			b.Fatal(err)
		}
		var data []byte
		e := Entry{Expires: now.AddDate(1, 0, 0), Revoked: now.Add(-time.Hour), Reason: ReasonSuperseded, File: []byte("unknown")}
		for i := range n {
			e.Status = StatusValid
			if i%10 == 0 {
				e.Status = StatusRevoked
			}
			e.Serial = []byte{0x40, byte(i >> 16), byte(i >> 8), byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
			e.Subject = fmt.Appendf(e.Subject[:0], "/CN=client-%d/O=Benchmark", i)
			data, _ = AppendEntry(data, &e)
			if err := os.WriteFile(filepath.Join(dir, NewCertsDir, SerialHex(e.Serial)+".pem"), nil, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, IndexFile), data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				listed := 0
				err := c.ScanListing(now, ListFilter{}, func(lc *ListedCert) error {
					if lc.File != nil {
						listed++
					}
					return nil
				})
				if err != nil || listed != n {
					b.Fatal(listed, err)
				}
			}
		})
	}
}
