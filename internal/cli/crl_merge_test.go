package cli

import (
	"encoding/json"
	"encoding/pem"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
)

// mergePKI is a root and an intermediate with their CRLs in files: the root's, an
// old intermediate CRL (DER) and a newer one that revokes a client.
type mergePKI struct {
	root, inter, client                 *testpki.Cert
	bundle, rootCRL, interOld, interNew string
}

func newMergePKI(t *testing.T, dir string) mergePKI {
	t.Helper()
	p := mergePKI{root: testpki.Root(t, "Merge Root")}
	p.inter = p.root.Intermediate(t, "Merge Intermediate")
	p.client = p.inter.Client(t, "bob")
	now := testpki.Now
	p.bundle = writeTestFile(t, dir, "root.crt", testpki.Bundle(p.root, p.inter))
	p.rootCRL = writeTestFile(t, dir, "root-ca.crl", p.root.CRLPEM(t, 3, now.Add(-time.Hour), now.Add(24*time.Hour)))
	p.interOld = writeTestFile(t, dir, "inter-old.der", p.inter.CRL(t, 1, now.Add(-2*time.Hour), now.Add(24*time.Hour)))
	p.interNew = writeTestFile(t, dir, "inter-new.crl", p.inter.CRLPEM(t, 2, now.Add(-time.Hour), now.Add(24*time.Hour),
		testpki.Revoked{Cert: p.client.Cert, Reason: 1}))
	return p
}

// TestCrlMerge: the newest CRL of each CA is kept (whatever the order and encoding of
// the inputs), in the order of the CAs, each verifying with openssl; the older one is
// reported as left out.
func TestCrlMerge(t *testing.T) {
	dir := t.TempDir()
	p := newMergePKI(t, dir)
	out := filepath.Join(dir, "root.crl")
	f, stdout, errOut, _ := testFactory(t)
	if code := runCmd(f, "crl", "merge", "--ca", p.bundle, "-o", out, p.interNew, p.interOld, p.rootCRL); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lists := readCRLFile(t, out)
	if len(lists) != 2 || lists[0].Issuer.CommonName != "Merge Root" || lists[1].Number.Int64() != 2 || findEntry(lists[1], p.client.Cert.SerialNumber) == nil {
		t.Fatalf("merged: %d CRLs", len(lists))
	}
	if text := string(testfs.Read(t, out)); !strings.HasPrefix(text, "# issuer: CN=Merge Root; number: 3; next update: ") {
		t.Errorf("the file does not start with the comment naming the first CRL:\n%s", text)
	}
	if !strings.Contains(stdout.String(), "wrote "+out+" with 2 CRLs") || !strings.Contains(stdout.String(), "(from "+p.interNew+")") {
		t.Errorf("stdout: %s", stdout)
	}
	if !strings.Contains(errOut.String(), "left out the older CRL of CN = Merge Intermediate, number 1") {
		t.Errorf("stderr: %s", errOut)
	}
	opensslVerifyCRLs(t, out, p.bundle)

	stdout.Reset()
	if code := runCmd(f, "crl", "merge", "--ca", p.bundle, "-o", out, "--force", "--json", p.rootCRL, p.interOld, p.interNew); code != 0 {
		t.Fatalf("--json: exit %d\n%s", code, errOut)
	}
	var rep struct {
		File struct{ Path string }
		CRLs []struct {
			Issuer, Number, Source string
			Entries                int
		}
		Superseded []struct{ Number, Source string }
		OutOfDate  []struct{ Source string } `json:"out_of_date"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.File.Path != out || len(rep.CRLs) != 2 || rep.CRLs[1].Source != p.interNew || rep.CRLs[1].Entries != 1 ||
		len(rep.Superseded) != 1 || rep.Superseded[0].Source != p.interOld || rep.OutOfDate == nil || len(rep.OutOfDate) != 0 {
		t.Errorf("--json:\n%s", stdout)
	}

	// Without -o, the merged file goes to standard output.
	stdout.Reset()
	if code := runCmd(f, "crl", "merge", "--ca", p.bundle, p.rootCRL, p.interNew); code != 0 {
		t.Fatalf("to stdout: exit %d\n%s", code, errOut)
	}
	if got, err := crl.ParseCRLs(stdout.Bytes()); err != nil || len(got) != 2 {
		t.Errorf("stdout: %v\n%s", err, stdout)
	}
}

// TestCrlMergeRefusals: a CA without a CRL, an expired CRL, a CRL of another CA, one
// whose signature is broken, and a file that is not a CRL are each refused with the
// file named and the consequence said; exit 1, nothing written.
func TestCrlMergeRefusals(t *testing.T) {
	dir := t.TempDir()
	p := newMergePKI(t, dir)
	now := testpki.Now
	expired := writeTestFile(t, dir, "expired.crl", p.root.CRLPEM(t, 4, now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	future := writeTestFile(t, dir, "future.crl", p.root.CRLPEM(t, 5, now.Add(24*time.Hour), now.Add(48*time.Hour)))
	stranger := testpki.Root(t, "Stranger CA")
	strangerCRL := writeTestFile(t, dir, "stranger.crl", stranger.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(time.Hour)))
	impostor := testpki.Root(t, "Merge Root")
	impostorCRL := writeTestFile(t, dir, "impostor.crl", impostor.CRLPEM(t, 9, now.Add(-time.Hour), now.Add(time.Hour)))
	broken := p.root.CRL(t, 6, now.Add(-time.Hour), now.Add(time.Hour))
	broken[len(broken)-3] ^= 1 // inside the signature value
	brokenCRL := writeTestFile(t, dir, "broken.crl", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: broken}))
	garbage := writeTestFile(t, dir, "garbage.crl", []byte("not a CRL at all\n"))
	empty := writeTestFile(t, dir, "empty.crl", nil)
	out := filepath.Join(dir, "root.crl")
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"the root's CRL left out", []string{"--ca", p.bundle, p.interNew}, 1, []string{
			"pgcert: error: no CRL for the CA CN = Merge Root (from " + p.bundle + "): PostgreSQL would then reject every client certificate: tlsv1 alert unknown ca",
			"pgcert: hint: with any CRL configured, OpenSSL checks every CA of a chain, the root included"}},
		{"expired", []string{"--ca", p.bundle, p.interNew, expired}, 1, []string{
			expired + ": the CRL of CN = Merge Root expired on " + now.Add(-24*time.Hour).Format(time.RFC3339) + ": the server and libpq would reject every certificate of that CA (sslv3 alert certificate expired)",
			"--allow-expired"}},
		{"not yet valid", []string{"--ca", p.bundle, p.interNew, future}, 1, []string{future + ": the CRL of CN = Merge Root is not valid before"}},
		{"another CA's CRL", []string{"--ca", p.bundle, p.rootCRL, p.interNew, strangerCRL}, 1, []string{
			strangerCRL + ": the CRL of CN = Stranger CA was not issued by any CA in --ca"}},
		{"same name, other key", []string{"--ca", p.bundle, p.rootCRL, p.interNew, impostorCRL}, 1, []string{
			impostorCRL + ": the CRL of CN = Merge Root was not issued by any CA in --ca"}},
		{"broken signature", []string{"--ca", p.bundle, p.rootCRL, p.interNew, brokenCRL}, 1, []string{
			brokenCRL + ": the CRL of CN = Merge Root is not signed by the CA of that name in --ca"}},
		{"two at once", []string{"--ca", p.bundle, strangerCRL, brokenCRL}, 1, []string{"2 problems:\n  " + strangerCRL, "\n  " + brokenCRL}},
		{"garbage", []string{"--ca", p.bundle, p.rootCRL, garbage}, 1, []string{"pgcert: error: " + garbage + ": neither PEM nor a single DER CRL", "pgcert: hint: a CRL file is PEM"}},
		{"empty", []string{"--ca", p.bundle, empty}, 1, []string{empty + " holds no CRL"}},
		{"missing", []string{"--ca", p.bundle, filepath.Join(dir, "nope.crl")}, 1, []string{"nope.crl: no such file"}},
		{"garbage --ca", []string{"--ca", garbage, p.rootCRL}, 1, []string{garbage}},
		{"no --ca", []string{p.rootCRL}, 2, []string{"give the CA certificates with --ca FILE"}},
		{"no CRL file", []string{"--ca", p.bundle}, 2, []string{"at least one CRLFILE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, stdout, errOut, _ := testFactory(t)
			args := append([]string{"crl", "merge", "-o", out}, tc.args...)
			if code := runCmd(f, args...); code != tc.code {
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

	// --allow-expired keeps an expired CRL, with a warning.
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "crl", "merge", "--ca", p.bundle, "-o", out, "--allow-expired", p.interNew, expired); code != 0 {
		t.Fatalf("--allow-expired: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "pgcert: warning: "+expired+": kept the CRL of CN = Merge Root") {
		t.Errorf("stderr: %s", errOut)
	}
	if lists := readCRLFile(t, out); len(lists) != 2 || lists[0].Number.Int64() != 4 {
		t.Errorf("--allow-expired wrote %d CRLs", len(lists))
	}
}
