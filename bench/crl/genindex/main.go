// Command genindex writes an openssl CA database (index.txt) of revoked certificates
// for the CRL benchmark: random 128-bit serials as pgcert issues them, revocation
// times over the past year and a mix of reasons. The output is reproducible for a
// given seed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
)

func main() {
	n := flag.Int("n", 1000000, "number of revoked entries")
	out := flag.String("o", "index.txt", "output file")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*n, *out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genindex:", err)
		os.Exit(1)
	}
}

func run(n int, out string, seed uint64) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(seed, seed))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reasons := append([]ca.Reason{ca.ReasonNone}, ca.Reasons...)
	var line []byte
	serial := make([]byte, 16)
	for i := range n {
		for j := 0; j < 16; j += 8 {
			v := rng.Uint64()
			for k := range 8 {
				serial[j+k] = byte(v >> (8 * k))
			}
		}
		serial[0] = serial[0]&0x7f | 0x01 // positive, always 16 bytes
		e := ca.Entry{
			Status:  ca.StatusRevoked,
			Expires: base.Add(365 * 24 * time.Hour),
			Revoked: base.Add(-time.Duration(rng.IntN(365*24*3600)) * time.Second),
			Reason:  reasons[i%len(reasons)],
			Serial:  serial,
			File:    []byte("unknown"),
			Subject: fmt.Appendf(nil, "/CN=client-%d/O=Benchmark", i),
		}
		if line, err = ca.AppendEntry(line[:0], &e); err != nil {
			return err
		}
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
