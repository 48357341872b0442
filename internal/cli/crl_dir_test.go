package cli

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
)

// rawName encodes RDNs, each a list of (OID, UTF8String value) attributes in one SET.
func rawName(t *testing.T, rdns ...[]pkix.AttributeTypeAndValue) []byte {
	t.Helper()
	der, err := asn1.Marshal(pkix.RDNSequence(func() []pkix.RelativeDistinguishedNameSET {
		var out []pkix.RelativeDistinguishedNameSET
		for _, r := range rdns {
			out = append(out, r)
		}
		return out
	}()))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func utf8Attr(oid asn1.ObjectIdentifier, v string) pkix.AttributeTypeAndValue {
	return pkix.AttributeTypeAndValue{Type: oid, Value: asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(v)}}
}

var (
	oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidOrgName    = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrgUnit    = asn1.ObjectIdentifier{2, 5, 4, 11}
)

// TestCrlDirHashNames: crl dir names every CRL as openssl crl -hash names it, for
// issuers in plain ASCII, in mixed case with runs of spaces, in UTF-8 and with two
// attributes in one RDN; every file holds one PEM CRL that verifies with openssl.
func TestCrlDirHashNames(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	now := testpki.Now
	names := map[string][]byte{
		"ascii":            rawName(t, []pkix.AttributeTypeAndValue{utf8Attr(oidCommonName, "Test CA")}),
		"mixed case":       rawName(t, []pkix.AttributeTypeAndValue{utf8Attr(oidOrgName, "  MiXeD   Org ")}, []pkix.AttributeTypeAndValue{utf8Attr(oidCommonName, "CaSe  CA")}),
		"utf-8":            rawName(t, []pkix.AttributeTypeAndValue{utf8Attr(oidCommonName, "Zürich ÉCOLE CA")}),
		"multi-valued RDN": rawName(t, []pkix.AttributeTypeAndValue{utf8Attr(oidCommonName, "Multi CA"), utf8Attr(oidOrgUnit, "Unit")}),
	}
	var files, cas []string
	var bundle []byte
	for name, raw := range names {
		ca := testpki.Make(t, testpki.Template{RawSubject: raw, IsCA: true, MaxPath: -1}, nil)
		bundle = append(bundle, ca.PEM()...)
		files = append(files, writeTestFile(t, dir, strings.ReplaceAll(name, " ", "-")+".crl", ca.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(time.Hour))))
		cas = append(cas, name)
	}
	caFile := writeTestFile(t, dir, "cas.pem", bundle)
	out := filepath.Join(dir, "crl.d")
	f, stdout, errOut, _ := testFactory(t)
	if code := runCmd(f, append([]string{"crl", "dir", "--out", out, "--ca", caFile}, files...)...); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("%s: %v, %v", out, fi.Mode(), err)
	}
	for i, file := range files {
		want := strings.TrimSpace(string(testenv.OpenSSL(t, "crl", "-in", file, "-hash", "-noout"))) + ".r0"
		path := filepath.Join(out, want)
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: openssl's name %s is not in the directory: %v", cas[i], want, err)
			continue
		}
		if !strings.Contains(stdout.String(), want+"  CRL of ") {
			t.Errorf("stdout does not list %s:\n%s", want, stdout)
		}
		opensslVerifyCRLs(t, path, caFile)
		if n := len(readCRLFile(t, path)); n != 1 {
			t.Errorf("%s holds %d CRLs", want, n)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != len(files) {
		t.Errorf("the directory holds %d files, want %d", len(entries), len(files))
	}
}

// TestCrlDirUpdate: an existing directory is updated only with --force, which
// replaces the CRLs that changed, removes the <hash>.r<N> files that no longer
// correspond to an input and says so; identical files and files of other names are
// left alone. Two CRLs of one issuer given without --ca get .r0 and .r1.
func TestCrlDirUpdate(t *testing.T) {
	dir := t.TempDir()
	p := newMergePKI(t, dir)
	out := filepath.Join(dir, "crl.d")
	f, stdout, errOut, _ := testFactory(t)
	if code := runCmd(f, "crl", "dir", "--out", out, p.rootCRL, p.interOld, p.interNew); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, errOut)
	}
	first := testfs.Names(t, out)
	r1 := slices.IndexFunc(first, func(n string) bool { return strings.HasSuffix(n, ".r1") })
	if len(first) != 3 || r1 < 0 || !slices.Contains(first, strings.TrimSuffix(first[r1], "1")+"0") {
		t.Fatalf("without --ca every CRL is filed: %v", first)
	}
	if !strings.Contains(errOut.String(), "without --ca, the CRLs' signatures are not checked") {
		t.Errorf("stderr: %s", errOut)
	}
	os.WriteFile(filepath.Join(out, "README"), []byte("mine"), 0o644)
	snapshot := func() map[string]string {
		m := map[string]string{}
		for _, n := range testfs.Names(t, out) {
			m[n] = string(testfs.Read(t, filepath.Join(out, n)))
		}
		return m
	}
	before := snapshot()

	// With --ca only the newest intermediate CRL is kept: its .r1 is stale, and
	// its .r0 changes (it was the old CRL, given first).
	errOut.Reset()
	stdout.Reset()
	args := []string{"crl", "dir", "--out", out, "--ca", p.bundle, p.rootCRL, p.interOld, p.interNew}
	if code := runCmd(f, args...); code != 1 {
		t.Fatalf("without --force: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "already holds other CRLs: writing it would replace") || !strings.Contains(errOut.String(), ".r1 (no longer an input") {
		t.Errorf("stderr: %s", errOut)
	}
	if after := snapshot(); !maps.Equal(before, after) {
		t.Errorf("a refused run changed the directory: %v -> %v", before, after)
	}

	stdout.Reset()
	if code := runCmd(f, append(args, "--force", "--json")...); code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, errOut)
	}
	var rep struct {
		Dir     string
		Created bool
		Files   []struct {
			Name, Path, Status, Issuer, Number, Source, Mode string
		}
		Removed []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	statuses := map[string]string{}
	for _, fl := range rep.Files {
		statuses[fl.Number] = fl.Status
		if fl.Path != filepath.Join(out, fl.Name) || fl.Mode != "0644" {
			t.Errorf("file %+v", fl)
		}
	}
	if rep.Created || len(rep.Files) != 2 || statuses["3"] != "unchanged" || statuses["2"] != "replaced" || len(rep.Removed) != 1 || !strings.HasSuffix(rep.Removed[0], ".r1") {
		t.Errorf("--json:\n%s", stdout)
	}
	after := snapshot()
	if len(after) != 3 || after["README"] != "mine" {
		t.Errorf("directory after --force: %v", slices.Sorted(maps.Keys(after)))
	}
	for _, fl := range rep.Files {
		if lists := readCRLFile(t, fl.Path); len(lists) != 1 || lists[0].Number.String() != fl.Number {
			t.Errorf("%s does not hold CRL number %s", fl.Name, fl.Number)
		}
	}

	// Human output names the stale files it removed.
	stdout.Reset()
	if code := runCmd(f, "crl", "dir", "--out", out, "--force", p.rootCRL); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(stdout.String(), "removed the stale "+out+"/") || !strings.Contains(stdout.String(), ", unchanged") {
		t.Errorf("stdout: %s", stdout)
	}
}

// TestCrlDirRefusals: a CA without a CRL (with --ca), an expired CRL, or a file in
// the way fail with exit 1 and leave no directory; no --out is a usage error.
func TestCrlDirRefusals(t *testing.T) {
	dir := t.TempDir()
	p := newMergePKI(t, dir)
	now := testpki.Now
	expired := writeTestFile(t, dir, "expired.crl", p.root.CRLPEM(t, 4, now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	notDir := writeTestFile(t, dir, "file", []byte("x"))
	out := filepath.Join(dir, "crl.d")
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"the root's CRL left out", []string{"--out", out, "--ca", p.bundle, p.interNew}, 1, []string{"no CRL for the CA CN = Merge Root", "tlsv1 alert unknown ca"}},
		{"expired without --ca", []string{"--out", out, expired, p.interNew}, 1, []string{expired + ": the CRL of CN = Merge Root expired"}},
		{"expired with --ca", []string{"--out", out, "--ca", p.bundle, expired, p.interNew}, 1, []string{expired + ": the CRL of CN = Merge Root expired"}},
		{"not a directory", []string{"--out", notDir, p.rootCRL}, 1, []string{notDir + " is not a directory"}},
		{"no --out", []string{p.rootCRL}, 2, []string{"--out DIR"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, stdout, errOut, _ := testFactory(t)
			if code := runCmd(f, append([]string{"crl", "dir"}, tc.args...)...); code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, errOut)
			}
			for _, w := range tc.wants {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %s", stdout)
			}
			assertNotExist(t, out)
		})
	}
}
