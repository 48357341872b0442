package faults

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// TestRenewConcurrent runs eight renewals at once on one data directory, half of
// them with a new key, over several rounds: every run succeeds, and afterwards
// server.key belongs to server.crt and server.key.prev to server.crt.prev. Without
// the data directory's lock two runs would each plan on the files as they were, and
// one would install a certificate beside the other's key.
func TestRenewConcurrent(t *testing.T) {
	dir := t.TempDir()
	pgdata, caDir := filepath.Join(dir, "pgdata"), filepath.Join(dir, "ca")
	os.Mkdir(pgdata, 0o700)
	os.WriteFile(filepath.Join(pgdata, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(pgdata, "postgresql.conf"), []byte("ssl = on\n"), 0o600)
	mustPgcert(t, "init", "-D", pgdata, "--ca-dir", caDir, "--intermediate", "--host", "db.example.com")
	for round := range 3 {
		var wg sync.WaitGroup
		results := make([]result, 8)
		for i := range results {
			args := []string{"renew", "-D", pgdata, "--ca-dir", caDir, "--force"}
			if i%2 == 1 {
				args = append(args, "--rekey")
			}
			wg.Go(func() { results[i] = pgcert(t, args...) })
		}
		wg.Wait()
		for i, r := range results {
			if r.Code != 0 {
				t.Errorf("round %d, run %d: %s", round, i, r)
			}
		}
		for _, suffix := range []string{"", ".prev"} {
			keyPEM, err := os.ReadFile(filepath.Join(pgdata, "server.key"+suffix))
			if err != nil {
				t.Fatal(err)
			}
			k, err := keys.Parse(keyPEM, nil)
			if err != nil {
				t.Fatal(err)
			}
			crt, err := os.ReadFile(filepath.Join(pgdata, "server.crt"+suffix))
			if err != nil {
				t.Fatal(err)
			}
			certs, err := chain.ParseCertificates(crt)
			if err != nil {
				t.Fatal(err)
			}
			if !keys.PublicKeysEqual(k.Signer.Public(), certs[0].PublicKey) {
				t.Fatalf("round %d: server.key%s does not belong to server.crt%s", round, suffix, suffix)
			}
		}
	}
}
