package chain

import (
	"bytes"
	"crypto/x509/pkix"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

func TestBuildRoots(t *testing.T) {
	now := testpki.Now
	b := testpki.Root(t, "Root B")
	a := testpki.Root(t, "Root A")
	inter := a.Intermediate(t, "Inter A")
	r, err := BuildRoots(ins(b, inter, a, b), RootsOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	sameCerts(t, "certs", r.Certs, []*testpki.Cert{inter, a, b})
	sameCerts(t, "duplicates", r.Duplicates, []*testpki.Cert{b})
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %v, want none", r.Warnings)
	}

	// The same certificates in another order make the same file.
	again, err := BuildRoots(ins(a, b, inter), RootsOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.PEM(), again.PEM()) {
		t.Error("the bundle depends on input order")
	}
	// And it reads back as the same certificates.
	back, err := ReadInputs("root.crt", r.PEM())
	if err != nil {
		t.Fatal(err)
	}
	sameCerts(t, "read back", back, []*testpki.Cert{inter, a, b})
	first := strings.SplitN(string(r.PEM()), "\n", 2)[0]
	if want := "# subject: CN=Inter A, expires " + testpki.Date(365*day) + " (in 365 days)"; first != want {
		t.Errorf("first line %q, want %q", first, want)
	}
}

func TestBuildRootsRefusesLeaves(t *testing.T) {
	root := testpki.Root(t, "Root")
	leaf := root.Server(t, "db.example.com")
	self := testpki.Make(t, testpki.Template{CN: "self.example.com"}, nil)
	var e *NotCAError
	if _, err := BuildRoots(ins(root, leaf), RootsOptions{Now: testpki.Now}); !errors.As(err, &e) || e.Cert.Cert != leaf.Cert {
		t.Fatalf("a leaf in the bundle: %v, want a *NotCAError naming it", err)
	}
	if !strings.Contains(e.Error(), "db.example.com (db.example.com.pem)") {
		t.Errorf("message %q does not name the certificate and its file", e)
	}
	if _, err := BuildRoots(ins(root, self), RootsOptions{Now: testpki.Now}); !errors.As(err, &e) || !e.SelfSigned {
		t.Fatalf("a self-signed leaf without AllowLeaf: %v, want a *NotCAError saying it is self-signed", err)
	}
	r, err := BuildRoots(ins(root, self), RootsOptions{Now: testpki.Now, AllowLeaf: true})
	if err != nil || len(r.Certs) != 2 {
		t.Fatalf("a self-signed leaf with AllowLeaf: %v", err)
	}
	if _, err := BuildRoots(ins(root, leaf), RootsOptions{Now: testpki.Now, AllowLeaf: true}); !errors.As(err, &e) || e.SelfSigned || !strings.Contains(e.Reason, "not self-signed") {
		t.Fatalf("a CA-signed leaf with AllowLeaf: %v, want a *NotCAError saying it is not self-signed", err)
	}
	noSign := testpki.Make(t, testpki.Template{CN: "No CertSign", IsCA: true, MaxPath: -1, NoCertSig: true}, nil)
	if _, err := BuildRoots(ins(noSign), RootsOptions{Now: testpki.Now}); !errors.As(err, &e) || !e.NoKeyCertSign {
		t.Fatalf("a CA without keyCertSign: %v, want a *NotCAError", err)
	}
}

func TestBuildRootsWarnings(t *testing.T) {
	now := testpki.Now
	expired := testpki.Make(t, testpki.Template{CN: "Expired Root", IsCA: true, MaxPath: -1, NotBefore: now.Add(-900 * day), NotAfter: now.Add(-3 * day)}, nil)
	soon := testpki.Make(t, testpki.Template{CN: "Soon Root", IsCA: true, MaxPath: -1, NotAfter: now.Add(10 * day)}, nil)
	later := testpki.Make(t, testpki.Template{CN: "Later Root", IsCA: true, MaxPath: -1, NotAfter: now.Add(40 * day)}, nil)
	orphan := testpki.Root(t, "Elsewhere").Intermediate(t, "Orphan Inter")
	r, err := BuildRoots(ins(expired, soon, later, orphan), RootsOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range r.Warnings {
		var ex *ExpiredError
		var es *ExpiresSoonError
		var mi *MissingIssuerError
		switch {
		case errors.As(w, &ex):
			got = append(got, "expired "+ex.Cert.Cert.Subject.CommonName)
		case errors.As(w, &es):
			got = append(got, "soon "+es.Cert.Cert.Subject.CommonName)
		case errors.As(w, &mi):
			got = append(got, "orphan "+mi.Cert.Cert.Subject.CommonName+" "+mi.Issuer)
		default:
			t.Errorf("unexpected warning %v", w)
		}
	}
	want := "expired Expired Root|orphan Orphan Inter CN=Elsewhere|soon Soon Root"
	if strings.Join(got, "|") != want {
		t.Errorf("warnings %q, want %q", got, want)
	}
	// A longer window catches the later root too.
	r, err = BuildRoots(ins(later), RootsOptions{Now: now, ExpiryWarning: 60 * day})
	if err != nil || len(r.Warnings) != 1 {
		t.Errorf("60-day window: %v %v, want one warning", r.Warnings, err)
	}
	pem := string(r.PEM())
	if !strings.Contains(pem, "# subject: CN=Later Root, expires "+testpki.Date(40*day)+" (in 40 days)\n") {
		t.Errorf("comment line missing:\n%s", pem)
	}
	r, _ = BuildRoots(ins(expired), RootsOptions{Now: now})
	if pem := string(r.PEM()); !strings.HasPrefix(pem, "# subject: CN=Expired Root, expired "+testpki.Date(-3*day)+" (3 days ago)\n") {
		t.Errorf("expired comment line wrong:\n%s", pem)
	}
}

// TestRootsCommentsAreInert gives a root a subject that tries to break out of its
// comment line, and checks that the file still holds exactly the certificates.
func TestRootsCommentsAreInert(t *testing.T) {
	hostile := testpki.Make(t, testpki.Template{Subject: &pkix.Name{
		CommonName:   "Evil\n-----BEGIN CERTIFICATE-----\nMIIB",
		Organization: []string{strings.Repeat("é", 150)},
	}, IsCA: true, MaxPath: -1}, nil)
	plain := testpki.Root(t, "Plain")
	r, err := BuildRoots(ins(hostile, plain), RootsOptions{Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	out := r.PEM()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "#") && len(line) > 250 {
			t.Errorf("comment line of %d bytes", len(line))
		}
	}
	if n := strings.Count(string(out), "-----BEGIN CERTIFICATE-----"); n != 3 {
		// Two real blocks; the subject's own "-----BEGIN" stays inside a comment line.
		t.Errorf("%d BEGIN markers, want 2 real ones and 1 inside a comment", n)
	}
	back, err := ReadInputs("root.crt", out)
	if err != nil || len(back) != 2 {
		t.Fatalf("read back %d certificates, %v", len(back), err)
	}
	opensslCountCerts(t, out, 2)
}

// opensslCountCerts checks that OpenSSL's PEM reader finds n certificates in data,
// text lines and all.
func opensslCountCerts(t *testing.T, data []byte, n int) {
	t.Helper()
	testenv.RequireOpenSSL(t)
	p := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := testenv.OpenSSL(t, "crl2pkcs7", "-nocrl", "-certfile", p, "-outform", "PEM", "-out", p+".p7")
	printed := string(testenv.OpenSSL(t, "pkcs7", "-in", p+".p7", "-print_certs", "-noout"))
	if got := strings.Count(printed, "subject="); got != n {
		t.Errorf("openssl reads %d certificates, want %d:\n%s%s", got, n, out, printed)
	}
}

// TestRootsFileWithOpenSSL checks that `openssl verify -CAfile` trusts a bundle
// written with comment lines.
func TestRootsFileWithOpenSSL(t *testing.T) {
	root := testpki.Root(t, "Root")
	other := testpki.Root(t, "Other")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	r, err := BuildRoots(ins(other, root), RootsOptions{Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	opensslCountCerts(t, r.PEM(), 2)
	back, err := ReadInputs("root.crt", r.PEM())
	if err != nil {
		t.Fatal(err)
	}
	run := opensslVerify(t, in(leaf), VerifyOptions{Now: testpki.Now, Roots: back, Intermediates: ins(inter), Purpose: PurposeServer})
	if !run.ok {
		t.Errorf("openssl verify -CAfile <bundle> fails:\n%s", run.out)
	}
}
