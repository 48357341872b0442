package faults

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
)

// TestConcurrentCARuns runs eight pgcert processes at once on one CA directory with
// an intermediate, five rounds: three issue client certificates, three revoke
// earlier ones, two make the CRLs. (e2e's TestCAConcurrentRuns checks issue and
// revoke alone against a real server's CA; this adds the CRLs.) Afterwards: every
// certificate a run issued is in the index, with its copy on disk; no serial is
// listed twice; every revocation a run reported is recorded and in every CRL made
// after its round; no CRL number is used twice, each round's numbers are above the
// last round's, crlnumber is one past the highest, and a CRL's revocations include
// those of every lower-numbered one.
func TestConcurrentCARuns(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	mustPgcert(t, "ca", "init", "--ca-dir", caDir, "--intermediate")
	const rounds, issuers, revokers, crlMakers = 5, 3, 3, 2
	runs := 0

	var issued []string
	issue := func(user string) string {
		r := pgcert(t, "ca", "issue", "client", "--ca-dir", caDir, "--user", user, "-o", filepath.Join(dir, user), "--json")
		if r.Code != 0 {
			t.Errorf("%s", r)
			return ""
		}
		var out struct{ Serial string }
		if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil || out.Serial == "" {
			t.Errorf("ca issue --json: %v\n%s", err, r.Stdout)
		}
		return out.Serial
	}
	for i := range revokers {
		issued = append(issued, issue(fmt.Sprintf("seed%d", i)))
	}

	type crlRun struct {
		round   int
		numbers map[string]int64 // issuer -> number
		file    string
	}
	var (
		mu       sync.Mutex
		revoked  []string
		crlRuns  []crlRun
		toRevoke = append([]string(nil), issued...)
	)
	for round := range rounds {
		var wg sync.WaitGroup
		next := toRevoke
		toRevoke = nil
		for i := range issuers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := issue(fmt.Sprintf("r%du%d", round, i))
				mu.Lock()
				issued = append(issued, s)
				toRevoke = append(toRevoke, s)
				mu.Unlock()
			}()
		}
		for _, serial := range next {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := pgcert(t, "ca", "revoke", "--ca-dir", caDir, serial, "--reason", "superseded")
				if r.Code != 0 {
					t.Errorf("%s", r)
					return
				}
				mu.Lock()
				revoked = append(revoked, serial)
				mu.Unlock()
			}()
		}
		for i := range crlMakers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out := filepath.Join(dir, fmt.Sprintf("r%d-%d.crl", round, i))
				r := pgcert(t, "crl", "gen", "--ca-dir", caDir, "-o", out, "--json")
				if r.Code != 0 {
					t.Errorf("%s", r)
					return
				}
				var rep struct {
					CRLs []struct{ Issuer, Number string }
				}
				if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
					t.Errorf("crl gen --json: %v", err)
					return
				}
				cr := crlRun{round: round, numbers: map[string]int64{}, file: out}
				for _, c := range rep.CRLs {
					n, ok := new(big.Int).SetString(c.Number, 10)
					if !ok {
						t.Errorf("CRL number %q", c.Number)
						return
					}
					cr.numbers[c.Issuer] = n.Int64()
				}
				mu.Lock()
				crlRuns = append(crlRuns, cr)
				mu.Unlock()
			}()
		}
		wg.Wait()
		runs += issuers + len(next) + crlMakers
		if t.Failed() {
			t.FailNow()
		}
	}

	listed := checkCA(t, caDir)
	inIndex := map[string]bool{}
	for _, s := range listed {
		inIndex[s] = true
	}
	for _, s := range issued {
		if !inIndex[s] {
			t.Errorf("issued serial %s is not in the index", s)
		}
	}
	files, _ := os.ReadDir(filepath.Join(caDir, "newcerts"))
	if len(files) != len(issued) || len(listed) != len(issued)+1 {
		// The root's index lists the intermediate too.
		t.Errorf("%d certificates issued; the indexes list %d, newcerts/ holds %d", len(issued), len(listed), len(files))
	}

	// CRL numbers, per issuer: never twice, growing from round to round.
	byIssuer := map[string][]crlRun{}
	for _, cr := range crlRuns {
		for iss := range cr.numbers {
			byIssuer[iss] = append(byIssuer[iss], cr)
		}
	}
	if len(byIssuer) != 2 {
		t.Fatalf("CRLs for %d issuers, want the root's and the intermediate's", len(byIssuer))
	}
	for iss, runs := range byIssuer {
		sort.Slice(runs, func(i, j int) bool { return runs[i].numbers[iss] < runs[j].numbers[iss] })
		for i := 1; i < len(runs); i++ {
			a, b := runs[i-1], runs[i]
			if a.numbers[iss] == b.numbers[iss] {
				t.Errorf("%s: CRL number %d made twice", iss, a.numbers[iss])
			}
			if a.round > b.round {
				t.Errorf("%s: CRL %d (round %d) numbered below CRL %d of an earlier round", iss, b.numbers[iss], b.round, a.numbers[iss])
			}
		}
	}
	// Revocations only accumulate: each intermediate CRL holds the serials of the
	// one numbered below it, and every revocation of the rounds before it.
	var inter string
	for iss := range byIssuer {
		if strings.HasSuffix(iss, " Intermediate") {
			inter = iss
		}
	}
	interCert := readCert(t, filepath.Join(caDir, "ca.crt"))
	var prev map[string]bool
	for _, cr := range byIssuer[inter] {
		serials := crlSerials(t, cr.file, interCert)
		for s := range prev {
			if !serials[s] {
				t.Errorf("CRL %d of %s lacks %s, which CRL numbered below it has", cr.numbers[inter], inter, s)
			}
		}
		prev = serials
	}
	if t.Failed() {
		return
	}
	final := crlSerials(t, byIssuer[inter][len(byIssuer[inter])-1].file, interCert)
	for _, s := range revoked[:len(revoked)-revokers] {
		// Revocations of every round but the last completed before the last
		// round's CRLs were made.
		if !final[normSerial(s)] {
			t.Errorf("the newest CRL lacks %s, revoked in an earlier round", s)
		}
	}
	t.Logf("%d runs in %d rounds of eight; %d issued, %d revoked, %d CRL runs", runs, rounds, len(issued), len(revoked), len(crlRuns))
}

// crlSerials returns the serials (normSerial) that the CRL issued by ca in file
// lists.
func crlSerials(t *testing.T, file string, ca *x509.Certificate) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := crl.ParseCRLs(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, l := range lists {
		if !bytes.Equal(l.RawIssuer, ca.RawSubject) {
			continue
		}
		if err := l.CheckSignatureFrom(ca); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out := map[string]bool{}
		for _, e := range l.RevokedCertificateEntries {
			out[fmt.Sprintf("%X", e.SerialNumber)] = true
		}
		return out
	}
	t.Fatalf("%s has no CRL of %s", file, ca.Subject)
	return nil
}

// normSerial writes a serial in hexadecimal as %X does: no leading zeros.
func normSerial(hex string) string {
	n, _ := new(big.Int).SetString(hex, 16)
	return fmt.Sprintf("%X", n)
}

// readCert reads the first certificate of a file.
func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return certs[0]
}
