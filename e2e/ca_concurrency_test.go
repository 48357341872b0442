package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/pkg/crl"
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
// issuing client certificates and four revoking earlier ones, several rounds (with two
// pgcert crl gen runs beside them when this pgcert has the command): no entry is lost,
// no serial is used twice, every revocation is recorded, every certificate of the
// index has its copy on disk, and no CRL number is used twice.
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
	// An unknown command with --help prints the root's help: look for crl gen's own.
	help := pgcert(t, "crl", "gen", "--help")
	hasCRLGen := help.Code == 0 && strings.Contains(help.Stdout, "pgcert crl gen")
	var crlFiles []string
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
		if hasCRLGen {
			for i := range 2 {
				out := filepath.Join(t.TempDir(), fmt.Sprintf("crl-%d-%d.pem", round, i))
				crlFiles = append(crlFiles, out)
				wg.Add(1)
				go func() {
					defer wg.Done()
					if r := pgcert(t, "crl", "gen", "--ca-dir", caDir, "-o", out); r.Code != 0 {
						t.Errorf("crl gen: exit %d\n%s", r.Code, r.Stderr)
					}
				}()
			}
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
	numbers := map[string]bool{}
	for _, file := range crlFiles {
		lists, err := crl.ParseCRLs(testfs.Read(t, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lists {
			key := l.Issuer.String() + " " + l.Number.String()
			if numbers[key] {
				t.Fatalf("CRL number %s of %s made twice", l.Number, l.Issuer)
			}
			numbers[key] = true
		}
	}
	if hasCRLGen && len(numbers) != 2*len(crlFiles) {
		t.Fatalf("%d distinct CRLs in %d files, want two per file", len(numbers), len(crlFiles))
	}
	files, err := os.ReadDir(filepath.Join(caDir, "newcerts"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != issued {
		t.Fatalf("newcerts/ holds %d files for %d certificates", len(files), issued)
	}
}
