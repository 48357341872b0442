package e2e

import (
	"crypto/x509"
	"encoding/json"
	"os/user"
	"strconv"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// serverName is the name in the server certificates; connections give it as host with
// hostaddr=127.0.0.1, so no DNS is involved.
const serverName = "db.pgcert.test"

// hierarchy is a root, an intermediate that issues the server's and the client's
// certificates, and those two leaves, all valid now: the real server and psql judge
// them by the real clock.
type hierarchy struct {
	root, inter, server, client *testpki.Cert
	now                         time.Time
}

func validFrom(now time.Time) (time.Time, time.Time) {
	return now.Add(-time.Hour), now.Add(365 * 24 * time.Hour)
}

func newHierarchy(t *testing.T) *hierarchy {
	t.Helper()
	now := time.Now()
	nb, na := validFrom(now)
	h := &hierarchy{now: now}
	h.root = testpki.Make(t, testpki.Template{CN: "pgcert e2e root", IsCA: true, MaxPath: -1, NotBefore: nb, NotAfter: na}, nil)
	h.inter = testpki.Make(t, testpki.Template{CN: "pgcert e2e intermediate", IsCA: true, MaxPath: -1, NotBefore: nb, NotAfter: na}, h.root)
	h.server = h.serverCert(t, nb, na)
	h.client = testpki.Make(t, testpki.Template{CN: "postgres", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, NotBefore: nb, NotAfter: na}, h.inter)
	return h
}

// serverCert makes a server certificate for serverName with the given validity.
func (h *hierarchy) serverCert(t *testing.T, notBefore, notAfter time.Time) *testpki.Cert {
	t.Helper()
	return testpki.Make(t, testpki.Template{
		CN: serverName, DNS: []string{serverName}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore: notBefore, NotAfter: notAfter,
	}, h.inter)
}

// crl is a PEM CRL of ca, number 1, valid from thisUpdate to nextUpdate.
func (h *hierarchy) crl(t *testing.T, ca *testpki.Cert, thisUpdate, nextUpdate time.Time) []byte {
	t.Helper()
	return ca.CRLPEM(t, 1, thisUpdate, nextUpdate)
}

// osUser looks up a user the test needs (nobody, to own a file), skipping or failing
// without it.
func osUser(t *testing.T, name string) (uid, gid int) {
	t.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		testenv.Missing(t, "no OS user "+name)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid
}

// osGroup looks up a group by name.
func osGroup(t *testing.T, name string) int {
	t.Helper()
	g, err := user.LookupGroup(name)
	if err != nil {
		testenv.Missing(t, "no OS group "+name)
	}
	gid, _ := strconv.Atoi(g.Gid)
	return gid
}

// checkJSON is `pgcert check --json`, as README's "JSON: pgcert check" describes it.
type checkJSON struct {
	DataDirectory string `json:"data_directory"`
	Version       string `json:"version"`
	DatabaseUser  string `json:"database_user"`
	OK            bool   `json:"ok"`
	Errors        int    `json:"errors"`
	Warnings      int    `json:"warnings"`
	Files         []struct {
		Name     string    `json:"name"`
		Path     string    `json:"path"`
		Setting  string    `json:"setting"`
		Findings []finding `json:"findings"`
	} `json:"files"`
}

type finding struct {
	Level   string `json:"level"`
	Check   string `json:"check"`
	Message string `json:"message"`
	Source  string `json:"source"`
	Detail  string `json:"detail"`
	Fix     string `json:"fix"`
	File    string `json:"file"`
	Line    int    `json:"line"`
}

func parseCheck(t *testing.T, r result) checkJSON {
	t.Helper()
	var rep checkJSON
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("pgcert check --json printed no JSON document: %v\n%s", err, r.Stdout)
	}
	return rep
}

// problems lists the warnings and errors as "group/check level", to compare with what
// a test expects.
func (r checkJSON) problems() []string {
	var out []string
	for _, g := range r.Files {
		key := g.Setting
		if key == "" {
			key = g.Name
		}
		for _, f := range g.Findings {
			if f.Level != "ok" {
				out = append(out, key+"/"+f.Check+" "+f.Level)
			}
		}
	}
	return out
}

// find returns the findings of group (a setting, or a file name) and check.
func (r checkJSON) find(group, check string) []finding {
	var out []finding
	for _, g := range r.Files {
		if g.Setting != group && g.Name != group {
			continue
		}
		for _, f := range g.Findings {
			if f.Check == check {
				out = append(out, f)
			}
		}
	}
	return out
}

// one returns the single non-ok finding of group and check, failing the test
// otherwise.
func (r checkJSON) one(t *testing.T, group, check string) finding {
	t.Helper()
	var bad []finding
	for _, f := range r.find(group, check) {
		if f.Level != "ok" {
			bad = append(bad, f)
		}
	}
	if len(bad) != 1 {
		t.Fatalf("want one problem %s/%s, got %+v (all: %v)", group, check, bad, r.problems())
	}
	return bad[0]
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
