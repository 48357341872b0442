package probe_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/probe"
)

func TestLibpqVerify(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	other := testpki.Root(t, "Other")
	served := []*x509.Certificate{leaf.Cert, inter.Cert}
	in := func(mode, host string, roots ...*testpki.Cert) probe.VerifyInput {
		vi := probe.VerifyInput{Chain: served, Host: host, Mode: mode, Now: testpki.Now}
		for _, r := range roots {
			vi.Roots = append(vi.Roots, r.Cert)
		}
		return vi
	}
	noRoot := probe.LibpqVerify("", "/home/u/.postgresql/root.crt")
	withRoot := probe.LibpqVerify("root.crt", "/home/u/.postgresql/root.crt")
	for _, tc := range []struct {
		name   string
		verify probe.VerifyFunc
		in     probe.VerifyInput
		want   string // "" when libpq accepts
	}{
		{"require without a root file", noRoot, in("require", "db.example.com"), ""},
		{"verify-ca without a root file", noRoot, in("verify-ca", "db.example.com"), `root certificate file "/home/u/.postgresql/root.crt" does not exist`},
		{"verify-full", withRoot, in("verify-full", "db.example.com", root), ""},
		{"verify-full, wrong host", withRoot, in("verify-full", "other.example.com", root), `does not match host name "other.example.com"`},
		{"verify-ca ignores the host", withRoot, in("verify-ca", "other.example.com", root), ""},
		{"require with a root file still verifies", withRoot, in("require", "db.example.com", other), "certificate verify failed: unable to get local issuer certificate (CN=Intermediate, depth 1)"},
		{"no certificate", withRoot, probe.VerifyInput{Mode: "require", Now: testpki.Now}, "the server sent no certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.verify(tc.in)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestResultProblems(t *testing.T) {
	now := testpki.Now
	day := 24 * time.Hour
	cert := func(subject string, left time.Duration, issuedByNext bool) probe.Certificate {
		return probe.Certificate{Subject: subject, NotAfter: now.Add(left), DaysLeft: int(left / day), IssuedByNext: issuedByNext}
	}
	r := &probe.Result{Chain: []probe.Certificate{cert("CN=leaf", 10*day, true), cert("CN=inter", 300*day, false)}}
	if !r.InOrder() {
		t.Error("a chain whose leaf is issued by the next certificate is in order")
	}
	if got := r.Problems(now, 5); len(got) != 0 {
		t.Errorf("10 days left, --warn-days 5: %v", got)
	}
	got := r.Problems(now, 30)
	if len(got) != 1 || got[0] != "certificate 0, CN=leaf, expires on "+testpki.Date(10*day)+" (in 10 days, within --warn-days 30)" {
		t.Errorf("10 days left, --warn-days 30: %q", got)
	}
	if r.Chain[0].Expiry(now, 30) != probe.ExpiresSoon || r.Chain[1].Expiry(now, 30) != probe.Valid {
		t.Error("expiry states")
	}

	r = &probe.Result{
		Chain:           []probe.Certificate{cert("CN=leaf", -day, false), cert("CN=inter", 300*day, false)},
		Verdict:         &probe.Verdict{Mode: "verify-full", OK: false, Error: "certificate verify failed: certificate has expired"},
		ClientCertError: "remote error: tls: unknown certificate authority",
	}
	if r.InOrder() {
		t.Error("a leaf not issued by the next certificate is out of order")
	}
	want := []string{
		"libpq with sslmode=verify-full refuses the server: certificate verify failed: certificate has expired",
		"certificate 0, CN=leaf, expired on " + testpki.Date(-day),
		"the server refused the client certificate: remote error: tls: unknown certificate authority",
	}
	if got := r.Problems(now, 30); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Chain[0].Expiry(now, 30) != probe.Expired {
		t.Error("an expired certificate is not Expired")
	}
}

func TestResultProblemsEd25519(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	root := testpki.Make(t, testpki.Template{CN: "ed root", IsCA: true, MaxPath: -1, Key: edKey}, nil)
	leaf := root.Server(t, "db.example.com")
	r := &probe.Result{Chain: []probe.Certificate{{Cert: leaf.Cert, Subject: "CN=db.example.com", NotAfter: testpki.Now.Add(300 * 24 * time.Hour), DaysLeft: 300}}}
	got := r.Problems(testpki.Now, 30)
	if len(got) != 1 || !strings.Contains(got[0], "signed with EdDSA") {
		t.Errorf("problems %q", got)
	}
}
