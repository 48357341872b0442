package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// caList is `pgcert ca list --json`.
type caList struct {
	Certificates []struct {
		Status  string  `json:"status"`
		Serial  string  `json:"serial"`
		Subject string  `json:"subject"`
		File    *string `json:"file"`
	} `json:"certificates"`
}

func listCA(t *testing.T, caDir string) caList {
	t.Helper()
	r := pgcert(t, "ca", "list", "--ca-dir", caDir, "--json")
	if r.Code != 0 {
		t.Fatalf("ca list: exit %d\n%s", r.Code, r.Stderr)
	}
	var l caList
	if err := json.Unmarshal([]byte(r.Stdout), &l); err != nil {
		t.Fatalf("ca list --json: %v\n%s", err, r.Stdout)
	}
	return l
}

// TestCAConcurrentRuns runs eight pgcert processes at once on one CA directory, four
// issuing client certificates and four revoking earlier ones, several rounds: no
// entry is lost, no serial is used twice, every revocation is recorded, and every
// certificate of the index has its copy on disk.
func TestCAConcurrentRuns(t *testing.T) {
	caDir := filepath.Join(t.TempDir(), "ca")
	if r := pgcert(t, "ca", "init", "--ca-dir", caDir, "--intermediate"); r.Code != 0 {
		t.Fatalf("ca init: exit %d\n%s", r.Code, r.Stderr)
	}
	const rounds, perRound = 3, 4
	issued := 0
	for i := range perRound {
		if r := pgcert(t, "ca", "issue", "client", "--ca-dir", caDir, "--user", fmt.Sprintf("seed%d", i)); r.Code != 0 {
			t.Fatalf("ca issue: exit %d\n%s", r.Code, r.Stderr)
		}
		issued++
	}
	revoked := 0
	for round := range rounds {
		var valid []string
		for _, c := range listCA(t, caDir).Certificates {
			if c.Status == "valid" {
				valid = append(valid, c.Serial)
			}
		}
		if len(valid) < perRound {
			t.Fatalf("round %d: only %d valid certificates to revoke", round, len(valid))
		}
		var wg sync.WaitGroup
		results := make([]result, 2*perRound)
		for i := range perRound {
			wg.Add(2)
			go func() {
				defer wg.Done()
				results[2*i] = pgcert(t, "ca", "issue", "client", "--ca-dir", caDir, "--user", fmt.Sprintf("r%du%d", round, i))
			}()
			go func() {
				defer wg.Done()
				results[2*i+1] = pgcert(t, "ca", "revoke", "--ca-dir", caDir, valid[i], "--reason", "superseded")
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.Code != 0 {
				t.Fatalf("round %d, run %d: exit %d\n%s", round, i, r.Code, r.Stderr)
			}
		}
		issued += perRound
		revoked += perRound
	}

	l := listCA(t, caDir)
	if len(l.Certificates) != issued {
		t.Fatalf("the index lists %d certificates, %d were issued", len(l.Certificates), issued)
	}
	seen := map[string]bool{}
	n := 0
	for _, c := range l.Certificates {
		if seen[c.Serial] {
			t.Fatalf("serial %s is in the index twice", c.Serial)
		}
		seen[c.Serial] = true
		if c.Status == "revoked" {
			n++
		}
		if c.File == nil {
			t.Fatalf("certificate %s has no copy in newcerts/", c.Serial)
		}
		if _, err := os.Stat(*c.File); err != nil {
			t.Fatal(err)
		}
	}
	if n != revoked {
		t.Fatalf("%d certificates are revoked, %d revocations succeeded", n, revoked)
	}
	files, err := os.ReadDir(filepath.Join(caDir, "newcerts"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != issued {
		t.Fatalf("newcerts/ holds %d files for %d certificates", len(files), issued)
	}
}
