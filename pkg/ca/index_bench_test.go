package ca

import (
	"bytes"
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
