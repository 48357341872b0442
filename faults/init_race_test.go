package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestInitNewCAConcurrent runs six `init` processes at once, each on its own data
// directory, all with one CA directory that does not exist yet. All succeed, one of
// them creates the CA, and the other five use it: every server certificate is
// signed by the one CA. Before, the five that lost the race to create it failed
// with "already holds a CA".
func TestInitNewCAConcurrent(t *testing.T) {
	for _, intermediate := range []bool{false, true} {
		t.Run(fmt.Sprintf("intermediate=%v", intermediate), func(t *testing.T) {
			dir := t.TempDir()
			caDir := filepath.Join(dir, "ca")
			var wg sync.WaitGroup
			results := make([]result, 6)
			for i := range results {
				pgdata := filepath.Join(dir, fmt.Sprintf("pgdata%d", i))
				args := []string{"init", "-D", pgdata, "--ca-dir", caDir, "--host", "db.example.com"}
				if intermediate {
					args = append(args, "--intermediate")
				}
				wg.Go(func() { results[i] = pgcert(t, args...) })
			}
			wg.Wait()
			created := 0
			for i, r := range results {
				if r.Code != 0 {
					t.Fatalf("run %d: %s", i, r)
				}
				if strings.Contains(r.Stderr, "created a CA in "+caDir) {
					created++
				} else if !strings.Contains(r.Stderr, "using the CA in "+caDir) {
					t.Errorf("run %d neither created nor used the CA:\n%s", i, r.Stderr)
				}
			}
			if created != 1 {
				t.Errorf("%d runs created the CA", created)
			}
			issuer := readCert(t, filepath.Join(caDir, "ca.crt"))
			for i := range results {
				leaf := readCert(t, filepath.Join(dir, fmt.Sprintf("pgdata%d", i), "server.crt"))
				if err := leaf.CheckSignatureFrom(issuer); err != nil {
					t.Errorf("pgdata%d/server.crt: %v", i, err)
				}
			}
			if entries, err := os.ReadDir(caDir); err != nil || len(entries) == 0 {
				t.Fatalf("%v %v", entries, err)
			}
		})
	}
}
