package chain

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixtureInputs(t testing.TB, name string) []Input {
	t.Helper()
	got, err := ReadInputs(name, readFixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestParseOpenSSLFixtures reads what openssl writes (testdata/gen.sh).
func TestParseOpenSSLFixtures(t *testing.T) {
	root := fixtureInputs(t, "root.pem")[0].Cert
	for name, n := range map[string]int{"root.pem": 1, "root.der": 1, "root-text.pem": 1, "root-trusted.pem": 1, "bundle.pem": 3} {
		got := fixtureInputs(t, name)
		if len(got) != n {
			t.Errorf("%s: %d certificates, want %d", name, len(got), n)
			continue
		}
		if got[0].File != name {
			t.Errorf("%s: tagged %q", name, got[0].File)
		}
		if n == 1 && !bytes.Equal(got[0].Cert.Raw, root.Raw) {
			t.Errorf("%s: not the root", name)
		}
	}
	bundle := fixtureInputs(t, "bundle.pem")
	for i, cn := range []string{"db.example.com", "Fixture Inter", "Fixture Root"} {
		if got := bundle[i].Cert.Subject.CommonName; got != cn {
			t.Errorf("bundle.pem[%d] = %q, want %q", i, got, cn)
		}
	}
}

func TestParseCertificatesErrors(t *testing.T) {
	root := testpki.Root(t, "Root")
	keyPEM := root.KeyPEM(t)
	var pe *ParseError

	if got, err := ParseCertificates(append(append([]byte{}, keyPEM...), root.PEM()...)); err != nil || len(got) != 1 {
		t.Errorf("key then certificate: %d, %v", len(got), err)
	}
	for name, data := range map[string][]byte{"empty": nil, "blank": []byte(" \n\t"), "key only": keyPEM} {
		if _, err := ParseCertificates(data); !errors.Is(err, ErrNoCertificates) {
			t.Errorf("%s: %v, want ErrNoCertificates", name, err)
		}
	}
	if _, err := ParseCertificates([]byte("hello, world\n")); !errors.As(err, &pe) || !strings.Contains(err.Error(), "neither PEM nor a DER certificate") {
		t.Errorf("text: %v", err)
	}
	truncated := root.PEM()[:len(root.PEM())-30]
	if _, err := ParseCertificates(truncated); !errors.As(err, &pe) || !strings.Contains(err.Error(), "does not decode") {
		t.Errorf("truncated PEM: %v", err)
	}
	bad := append(append([]byte{}, root.PEM()...), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 1, 2, 3}})...)
	if _, err := ParseCertificates(bad); !errors.As(err, &pe) || pe.Block != 2 || pe.Type != "CERTIFICATE" {
		t.Errorf("bad second block: %v", err)
	}
	badTrusted := pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: []byte{0x30, 0x84, 0xff}})
	if _, err := ParseCertificates(badTrusted); !errors.As(err, &pe) || pe.Block != 1 {
		t.Errorf("bad TRUSTED CERTIFICATE: %v", err)
	}
	if _, err := ParseCertificates(make([]byte, MaxBundleSize+1)); !errors.As(err, &pe) {
		t.Errorf("oversized input: %v", err)
	}
	if _, err := ReadInputs("x.crt", nil); !errors.Is(err, ErrNoCertificates) || !strings.HasPrefix(err.Error(), "x.crt: ") {
		t.Errorf("ReadInputs: %v, want the file name and ErrNoCertificates", err)
	}
}

// TestParseCertificateBlock reads one block of each label a certificate comes under,
// the trust settings OpenSSL appends to a TRUSTED CERTIFICATE left out.
func TestParseCertificateBlock(t *testing.T) {
	root := testpki.Root(t, "Root")
	trustSettings := []byte{0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02}
	for _, block := range []*pem.Block{
		{Type: "CERTIFICATE", Bytes: root.Cert.Raw},
		{Type: "X509 CERTIFICATE", Bytes: root.Cert.Raw},
		{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte{}, root.Cert.Raw...), trustSettings...)},
	} {
		got, err := ParseCertificateBlock(block)
		if err != nil || !bytes.Equal(got.Raw, root.Cert.Raw) {
			t.Errorf("%s: %v, want the root", block.Type, err)
		}
	}
	if _, err := ParseCertificateBlock(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: []byte{0x30, 0x84, 0xff}}); err == nil {
		t.Error("a truncated TRUSTED CERTIFICATE was read")
	}
	if _, err := ParseCertificateBlock(&pem.Block{Type: "CERTIFICATE", Bytes: append(append([]byte{}, root.Cert.Raw...), trustSettings...)}); err == nil {
		t.Error("a CERTIFICATE block with trailing data was read")
	}
}

// TestParseDERContainingPEMMarker reads a DER certificate whose subject holds the
// text of a PEM boundary.
func TestParseDERContainingPEMMarker(t *testing.T) {
	c := testpki.Make(t, testpki.Template{Subject: &pkix.Name{CommonName: "-----BEGIN CERTIFICATE-----"}}, nil)
	got, err := ParseCertificates(c.Cert.Raw)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].Raw, c.Cert.Raw) {
		t.Fatalf("DER with a PEM marker: %v, %v", got, err)
	}
}

// TestOpenSSLFixtureChain orders and verifies the openssl-made hierarchy, whose
// intermediate names its issuer by key id, issuer name and serial number.
func TestOpenSSLFixtureChain(t *testing.T) {
	bundle := fixtureInputs(t, "bundle.pem")
	leaf, inter, root := bundle[0], bundle[1], bundle[2]
	now := root.Cert.NotBefore.Add(day)
	shuffled := []Input{root, leaf, inter}
	p, err := Build(shuffled, BuildOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Certs) != 3 || p.Certs[0] != leaf || p.Certs[1] != inter || p.Certs[2] != root || !p.Complete {
		t.Fatalf("path %v", p.Certs)
	}
	if _, err := Verify(leaf, VerifyOptions{Now: now, Roots: []Input{root}, Intermediates: []Input{inter}, Purpose: PurposeServer}); err != nil {
		t.Fatal(err)
	}

	// The root re-issued with another serial: same name and key, so the signature
	// verifies, but the intermediate's authority key identifier names serial 1.
	reissued := fixtureInputs(t, "root-reissued.pem")[0]
	p, err = Build([]Input{leaf, inter}, BuildOptions{Now: now, Roots: []Input{reissued}})
	var km *KeyIDMismatchError
	if !errors.As(err, &km) || km.Cert != inter || km.Issuer != reissued {
		t.Fatalf("Build with the re-issued root: %v, want a *KeyIDMismatchError", err)
	}
	if p.Complete {
		t.Error("the path to the re-issued root counts as complete")
	}
	opts := VerifyOptions{Now: now, Roots: []Input{reissued}, Intermediates: []Input{inter}, Purpose: PurposeServer}
	_, err = Verify(leaf, opts)
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Reason != UnableToGetIssuerCertLocally || ve.Depth != 1 {
		t.Fatalf("Verify with the re-issued root: %v", err)
	}
	if run := opensslVerify(t, leaf, opts); run.ok || run.reason != ve.Reason || run.depth != ve.Depth {
		t.Errorf("openssl disagrees:\n%s", run.out)
	}
}

// TestPathOutput checks the forms a path is written in.
func TestPathOutput(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	p, err := Build(ins(root, inter, leaf), BuildOptions{Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := p.Root(); !ok || got.Cert != root.Cert {
		t.Errorf("Root() = %v, %v", got, ok)
	}
	sameCerts(t, "intermediates", p.Intermediates(), []*testpki.Cert{inter})
	sameCerts(t, "chain without root", p.Chain(false), []*testpki.Cert{leaf, inter})
	if !bytes.Equal(p.PEM(false), testpki.Bundle(leaf, inter)) || !bytes.Equal(p.PEM(true), testpki.Bundle(leaf, inter, root)) {
		t.Error("PEM output is not leaf, intermediate[, root]")
	}
	els := p.Elements()
	if len(els) != 3 || els[0].Role != RoleLeaf || els[1].Role != RoleIntermediate || els[2].Role != RoleRoot {
		t.Fatalf("roles %+v", els)
	}
	e := els[0]
	if e.Subject != "CN=db.example.com" || e.Issuer != "CN=Inter" || e.File != "db.example.com.pem" ||
		e.Serial != Serial(leaf.Cert) || !e.NotAfter.Equal(leaf.Cert.NotAfter) || len(e.SHA256) != 95 {
		t.Errorf("leaf element %+v", e)
	}

	// Without the root, the top is an intermediate.
	p, err = Build(ins(inter, leaf), BuildOptions{Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Root(); ok {
		t.Error("an incomplete path has a root")
	}
	if els := p.Elements(); els[1].Role != RoleIntermediate {
		t.Errorf("top of an incomplete path: %s", els[1].Role)
	}
	sameCerts(t, "chain with root of an incomplete path", p.Chain(true), []*testpki.Cert{leaf, inter})
}

func TestFingerprintMatchesOpenSSL(t *testing.T) {
	root := fixtureInputs(t, "root.pem")[0]
	out := opensslOutput(t, "x509", "-in", filepath.Join("testdata", "root.pem"), "-noout", "-fingerprint", "-sha256", "-serial")
	want := "sha256 Fingerprint=" + Fingerprint(root.Cert) + "\nserial=" + Serial(root.Cert) + "\n"
	if strings.ReplaceAll(out, "SHA256", "sha256") != want {
		t.Errorf("openssl prints\n%s, pgcert\n%s", out, want)
	}
}

// TestSHA1Intermediate checks the security level on an openssl-made intermediate
// signed with ECDSA-SHA1: refused at level 1 (what libpq and the server run at), its
// signature still verified when no level is checked.
func TestSHA1Intermediate(t *testing.T) {
	root := fixtureInputs(t, "root.pem")[0]
	inter := fixtureInputs(t, "inter-sha1.pem")[0]
	leaf := fixtureInputs(t, "leaf-sha1.pem")[0]
	now := root.Cert.NotBefore.Add(day)
	for _, tc := range []struct {
		level  int
		reason Reason
	}{{0, CAMDTooWeak}, {-1, 0}} {
		opts := VerifyOptions{Now: now, Roots: []Input{root}, Intermediates: []Input{inter}, Purpose: PurposeServer, SecurityLevel: tc.level}
		_, err := Verify(leaf, opts)
		var ve *VerifyError
		switch {
		case tc.reason == 0 && err != nil:
			t.Errorf("level %d: %v", tc.level, err)
		case tc.reason != 0 && (!errors.As(err, &ve) || ve.Reason != tc.reason || ve.Depth != 1):
			t.Errorf("level %d: %v, want %s at depth 1", tc.level, err, tc.reason)
		}
		run := opensslVerify(t, leaf, opts)
		if run.ok != (tc.reason == 0) || run.reason != tc.reason || (!run.ok && run.depth != 1) {
			t.Errorf("level %d: openssl disagrees:\n%s", tc.level, run.out)
		}
	}
}
