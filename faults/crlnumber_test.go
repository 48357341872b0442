package faults

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
)

// TestCRLNumbersConcurrent runs eight `crl gen` processes at once on one CA, over
// two rounds: `crl gen --index` alone on an openssl-style directory, then six of
// them beside two `crl gen --ca-dir` on a pgcert CA directory. Every CRL signed
// has its own number, and crlnumber ends above all of them. Without the lock on
// crlnumber, runs read the same number and signed up to 27 CRLs under it.
func TestCRLNumbersConcurrent(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	mustPgcert(t, "ca", "init", "--ca-dir", caDir)
	caCert := readCert(t, filepath.Join(caDir, "ca.crt"))

	// An openssl-style directory: the CA's files, its own index and crlnumber.
	plain := filepath.Join(dir, "demoCA")
	os.Mkdir(plain, 0o700)
	for _, name := range []string{"index.txt", "ca.crt"} {
		data, err := os.ReadFile(filepath.Join(caDir, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(plain, name), data, 0o644)
	}
	os.WriteFile(filepath.Join(plain, "crlnumber"), []byte("1000\n"), 0o644)

	indexRun := func(base, out string) []string {
		return []string{"crl", "gen", "--index", filepath.Join(base, "index.txt"), "--ca-cert", filepath.Join(base, "ca.crt"),
			"--ca-key", filepath.Join(caDir, "private", "ca.key"), "-o", out}
	}
	for _, round := range []struct {
		name   string
		numDir string
		args   func(i int, out string) []string
	}{
		{"index alone", plain, func(_ int, out string) []string { return indexRun(plain, out) }},
		{"index beside ca-dir", caDir, func(i int, out string) []string {
			if i%4 == 3 {
				return []string{"crl", "gen", "--ca-dir", caDir, "-o", out}
			}
			return indexRun(caDir, out)
		}},
	} {
		t.Run(round.name, func(t *testing.T) {
			outDir := t.TempDir()
			var wg sync.WaitGroup
			results := make([]result, 8)
			outs := make([]string, 8)
			for i := range results {
				outs[i] = filepath.Join(outDir, fmt.Sprintf("crl%d.pem", i))
				args := round.args(i, outs[i])
				wg.Go(func() { results[i] = pgcert(t, args...) })
			}
			wg.Wait()
			seen := map[string]int{}
			highest := new(big.Int)
			for i, r := range results {
				if r.Code != 0 {
					t.Fatalf("run %d: %s", i, r)
				}
				data, err := os.ReadFile(outs[i])
				if err != nil {
					t.Fatal(err)
				}
				lists, err := crl.ParseCRLs(data)
				if err != nil || len(lists) != 1 {
					t.Fatalf("run %d: %d CRLs, %v", i, len(lists), err)
				}
				if err := lists[0].CheckSignatureFrom(caCert); err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
				n := lists[0].Number
				if prev, ok := seen[n.String()]; ok {
					t.Errorf("runs %d and %d both signed CRL number %s (%s)", prev, i, n, strings.Join(r.Args, " "))
				}
				seen[n.String()] = i
				if n.Cmp(highest) > 0 {
					highest = n
				}
			}
			data, err := os.ReadFile(filepath.Join(round.numDir, "crlnumber"))
			if err != nil {
				t.Fatal(err)
			}
			next, err := ca.ParseSerialFile(data)
			if err != nil {
				t.Fatal(err)
			}
			if next.Cmp(highest) <= 0 {
				t.Errorf("crlnumber holds %s, not above the highest number used, %s", next, highest)
			}
		})
	}
}
