package crl

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// pki is a two-level hierarchy with a revoked and a good client under the
// intermediate, and an unrelated root.
type pki struct {
	root, inter, other, good, bad *testpki.Cert
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	p := &pki{root: testpki.Root(t, "Merge Root"), other: testpki.Root(t, "Other Root")}
	p.inter = p.root.Intermediate(t, "Merge Intermediate")
	p.good = p.inter.Client(t, "good")
	p.bad = p.inter.Client(t, "bad")
	return p
}

func parsed(t *testing.T, der []byte) *x509.RevocationList {
	t.Helper()
	c, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// crlOf makes a CRL of ca numbered n, valid from this for a day, revoking certs.
func crlOf(t *testing.T, ca *testpki.Cert, n int64, this time.Time, certs ...*testpki.Cert) *x509.RevocationList {
	t.Helper()
	p := params(ca, n)
	p.ThisUpdate, p.NextUpdate = this, this.Add(24*time.Hour)
	var entries []Entry
	for _, c := range certs {
		entries = append(entries, Entry{Serial: c.Cert.SerialNumber.Bytes(), RevocationTime: this.Add(-time.Minute), Reason: 1})
	}
	return parsed(t, mustBuild(t, p, entries))
}

func TestMerge(t *testing.T) {
	p := newPKI(t)
	now := testpki.Now
	rootOld := crlOf(t, p.root, 1, now.Add(-2*time.Hour))
	rootNew := crlOf(t, p.root, 2, now.Add(-3*time.Hour)) // higher number wins over later thisUpdate
	interA := crlOf(t, p.inter, 5, now.Add(-2*time.Hour), p.bad)
	interB := crlOf(t, p.inter, 5, now.Add(-time.Hour), p.bad) // same number, later thisUpdate
	leaf := p.inter.Server(t, "db.example")                    // not a CA: needs no CRL
	cas := []*x509.Certificate{p.root.Cert, p.other.Cert, p.inter.Cert, p.root.Cert, leaf.Cert}
	m, err := Merge([]*x509.RevocationList{interA, rootOld, interB, rootNew}, cas, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.CRLs) != 2 || m.CRLs[0] != rootNew || m.CRLs[1] != interB {
		t.Errorf("kept %v", numbers(m.CRLs))
	}
	if len(m.Issuers) != 2 || m.Issuers[0] != p.root.Cert || m.Issuers[1] != p.inter.Cert {
		t.Errorf("issuers %v", m.Issuers)
	}
	if len(m.Superseded) != 2 || !slices.Contains(m.Superseded, rootOld) || !slices.Contains(m.Superseded, interA) {
		t.Errorf("superseded %v", numbers(m.Superseded))
	}
	if len(m.Missing) != 1 || m.Missing[0] != p.other.Cert {
		t.Errorf("missing %v", m.Missing)
	}
	if len(m.OutOfDate) != 0 {
		t.Errorf("out of date %v", m.OutOfDate)
	}

	out := m.PEM()
	back, err := ParseCRLs(out)
	if err != nil || len(back) != 2 || !bytes.Equal(back[0].Raw, rootNew.Raw) || !bytes.Equal(back[1].Raw, interB.Raw) {
		t.Fatalf("PEM does not read back: %v", err)
	}
	firstLine, _, _ := strings.Cut(string(out), "\n")
	if want := "# issuer: CN=Merge Root; number: 2; next update: " + rootNew.NextUpdate.UTC().Format(time.RFC3339); firstLine != want {
		t.Errorf("comment %q, want %q", firstLine, want)
	}
}

func numbers(crls []*x509.RevocationList) []string {
	var s []string
	for _, c := range crls {
		s = append(s, fmt.Sprintf("%s#%v", c.Issuer.CommonName, c.Number))
	}
	return s
}

func TestMergeErrors(t *testing.T) {
	p := newPKI(t)
	now := testpki.Now
	good := crlOf(t, p.root, 1, now.Add(-time.Hour))
	expired := crlOf(t, p.inter, 1, now.Add(-48*time.Hour))
	future := crlOf(t, p.other, 1, now.Add(time.Hour))
	impostor := testpki.Root(t, "Merge Root") // same name, another key
	forged := crlOf(t, impostor, 9, now.Add(-time.Hour))
	tampered := parsed(t, append([]byte{}, good.Raw...))
	tampered.Signature[len(tampered.Signature)-1] ^= 1
	cas := []*x509.Certificate{p.root.Cert, p.inter.Cert, p.other.Cert}

	_, err := Merge([]*x509.RevocationList{good, expired, future, forged, tampered}, cas, now, false)
	var exp *ExpiredError
	var nyv *NotYetValidError
	var unk *UnknownIssuerError
	var sig *SignatureError
	if !errors.As(err, &exp) || exp.Issuer != "CN=Merge Intermediate" || !exp.NextUpdate.Equal(expired.NextUpdate) {
		t.Errorf("expired: %v", err)
	}
	if !errors.As(err, &nyv) || nyv.Issuer != "CN=Other Root" {
		t.Errorf("not yet valid: %v", err)
	}
	if !errors.As(err, &unk) || unk.Issuer != "CN=Merge Root" {
		t.Errorf("forged: %v", err)
	}
	if !errors.As(err, &sig) || sig.Issuer != "CN=Merge Root" {
		t.Errorf("tampered: %v", err)
	}
	for _, want := range []string{"crl: the CRL of CN=Merge Intermediate expired at", "not valid before", "no CA certificate given", "not signed by its CA"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}

	m, err := Merge([]*x509.RevocationList{good, expired, future}, cas, now, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.CRLs) != 3 || len(m.OutOfDate) != 2 || len(m.Missing) != 0 {
		t.Errorf("allowExpired: kept %d, out of date %d, missing %d", len(m.CRLs), len(m.OutOfDate), len(m.Missing))
	}
}

func TestCommentEscapesControlCharacters(t *testing.T) {
	ca := selfSigned(t, rdns(one(oidCN, str(12, "evil\n-----BEGIN X509 CRL-----"))))
	c := parsed(t, mustBuild(t, params(ca, 1), nil))
	if got := Comment(c); strings.Contains(got, "\n") || !strings.HasPrefix(got, `# issuer: CN=evil\x0a-----BEGIN`) {
		t.Errorf("Comment = %q", got)
	}
}

// verify runs openssl verify with CRL checking of every CA and returns its output
// and whether it accepted leaf.
func verify(t *testing.T, dir string, leaf *testpki.Cert, args ...string) (string, bool) {
	t.Helper()
	leafFile := filepath.Join(dir, "leaf.pem")
	if err := os.WriteFile(leafFile, leaf.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(append([]string{"verify", "-crl_check_all", "-attime", fmt.Sprint(testpki.Now.Unix())}, args...), leafFile)
	out, err := exec.Command("openssl", args...).CombinedOutput()
	return string(out), err == nil
}

func writeFile(t *testing.T, path string, data ...[]byte) string {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(data, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// OpenSSL must load every CRL of a merged file, both as -CRLfile and, as the server
// loads ssl_crl_file (X509_STORE_load_file), mixed into a CA file.
func TestMergedFileWithOpenSSL(t *testing.T) {
	testenv.RequireOpenSSL(t)
	p := newPKI(t)
	dir := t.TempDir()
	now := testpki.Now
	rootCRL := crlOf(t, p.root, 1, now.Add(-time.Hour))
	interCRL := crlOf(t, p.inter, 1, now.Add(-time.Hour), p.bad)
	cas := []*x509.Certificate{p.root.Cert, p.inter.Cert}
	m, err := Merge([]*x509.RevocationList{interCRL, rootCRL}, cas, now, false)
	if err != nil {
		t.Fatal(err)
	}
	rootFile := writeFile(t, filepath.Join(dir, "root.pem"), p.root.PEM())
	interFile := writeFile(t, filepath.Join(dir, "inter.pem"), p.inter.PEM())
	merged := writeFile(t, filepath.Join(dir, "merged.crl"), m.PEM())
	mixed := writeFile(t, filepath.Join(dir, "mixed.pem"), p.root.PEM(), m.PEM())

	for name, args := range map[string][]string{
		"CRLfile":          {"-CAfile", rootFile, "-untrusted", interFile, "-CRLfile", merged},
		"CAfile with CRLs": {"-CAfile", mixed, "-untrusted", interFile},
	} {
		if out, ok := verify(t, dir, p.good, args...); !ok || !strings.Contains(out, ": OK") {
			t.Errorf("%s: good client refused:\n%s", name, out)
		}
		if out, ok := verify(t, dir, p.bad, args...); ok || !strings.Contains(out, "certificate revoked") {
			t.Errorf("%s: revoked client accepted:\n%s", name, out)
		}
	}

	// Without the root's CRL every chain fails: what Merged.Missing warns of.
	onlyInter := writeFile(t, filepath.Join(dir, "inter.crl"), (&Merged{CRLs: m.CRLs[1:]}).PEM())
	if out, ok := verify(t, dir, p.good, "-CAfile", rootFile, "-untrusted", interFile, "-CRLfile", onlyInter); ok || !strings.Contains(out, "unable to get certificate CRL") {
		t.Errorf("missing root CRL accepted:\n%s", out)
	}
}

// A hashed directory from DirEntries must be found by OpenSSL, including two issuers
// whose names hash alike.
func TestDirEntriesWithOpenSSL(t *testing.T) {
	testenv.RequireOpenSSL(t)
	now := testpki.Now
	p := newPKI(t)
	// Different DER, same canonical form, so the same hash.
	twinA := selfSigned(t, rdns(one(oidCN, str(19, "Twin CA"))))
	twinB := selfSigned(t, rdns(one(oidCN, str(12, "  twin   ca "))))
	goodA, badA := twinA.Client(t, "a-good"), twinA.Client(t, "a-bad")
	goodB, badB := twinB.Client(t, "b-good"), twinB.Client(t, "b-bad")
	crls := []*x509.RevocationList{
		crlOf(t, p.root, 1, now.Add(-time.Hour)),
		crlOf(t, p.inter, 1, now.Add(-time.Hour), p.bad),
		crlOf(t, twinA, 1, now.Add(-time.Hour), badA),
		crlOf(t, twinB, 1, now.Add(-time.Hour), badB),
	}
	entries, err := DirEntries(crls)
	if err != nil {
		t.Fatal(err)
	}
	hA, _ := NameHash(twinA.Cert.RawSubject)
	if entries[2].Name != DirName(hA, 0) || entries[3].Name != DirName(hA, 1) || !strings.HasSuffix(entries[0].Name, ".r0") {
		t.Fatalf("names %v %v %v", entries[0].Name, entries[2].Name, entries[3].Name)
	}
	dir := t.TempDir()
	hashed := filepath.Join(dir, "hashed")
	os.Mkdir(hashed, 0o700)
	for _, e := range entries {
		if !IsDirName(e.Name) {
			t.Errorf("IsDirName(%q) = false", e.Name)
		}
		writeFile(t, filepath.Join(hashed, e.Name), e.PEM)
	}
	// The trusted certificates go in the same directory, <hash>.0, <hash>.1.
	certN := map[uint32]int{}
	for _, c := range []*testpki.Cert{p.root, twinA, twinB} {
		h, _ := NameHash(c.Cert.RawSubject)
		writeFile(t, filepath.Join(hashed, fmt.Sprintf("%08x.%d", h, certN[h])), c.PEM())
		certN[h]++
	}
	interFile := writeFile(t, filepath.Join(dir, "inter.pem"), p.inter.PEM())
	for _, tc := range []struct {
		leaf *testpki.Cert
		ok   bool
	}{{p.good, true}, {p.bad, false}, {goodA, true}, {badA, false}, {goodB, true}, {badB, false}} {
		out, ok := verify(t, dir, tc.leaf, "-CApath", hashed, "-untrusted", interFile)
		if ok != tc.ok {
			t.Errorf("%s: accepted %v, want %v:\n%s", tc.leaf.Cert.Subject.CommonName, ok, tc.ok, out)
		}
	}
	for _, bad := range []string{"1234567.r0", "1234567g.r0", "12345678.r", "12345678.0", "12345678.r0.tmp"} {
		if IsDirName(bad) {
			t.Errorf("IsDirName(%q) = true", bad)
		}
	}
}
