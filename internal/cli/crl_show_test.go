package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/internal/words"
)

// TestCrlShow: crl show describes every CRL of a file, as pgcert show does, and
// leaves out the other objects; --json is pgcert show's document with the CRLs only;
// a file without a CRL is an error.
func TestCrlShow(t *testing.T) {
	dir := t.TempDir()
	p := newMergePKI(t, dir)
	mixed := writeTestFile(t, dir, "mixed.pem", append(append(testfs.Read(t, p.rootCRL), p.root.PEM()...), testfs.Read(t, p.interNew)...))
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "crl", "show", mixed); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	text := out.String()
	for _, want := range []string{
		mixed + ": CRL 1 of 2 (PEM \"X509 CRL\")",
		"issuer:              CN = Merge Root",
		mixed + ": CRL 2 of 2",
		"number:              2",
		"    " + serialHex(p.client.Cert.SerialNumber) + "  revoked " + testpki.Now.Add(-time.Hour).Format(words.TimeLayout) + "  keyCompromise\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "certificate 1") || strings.Contains(text, "subject:") {
		t.Errorf("crl show describes the certificate too:\n%s", text)
	}

	out.Reset()
	if code := runCmd(f, "crl", "show", "--json", mixed, p.interOld); code != 0 {
		t.Fatalf("--json: exit %d\n%s", code, errOut)
	}
	var doc struct {
		Files []struct {
			Path    string
			Objects []struct {
				Type string
				CRL  struct {
					Number  string
					Entries []struct{ Serial, Reason string }
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Files) != 2 || len(doc.Files[0].Objects) != 2 || doc.Files[0].Objects[1].CRL.Number != "2" ||
		len(doc.Files[0].Objects[1].CRL.Entries) != 1 || doc.Files[0].Objects[1].CRL.Entries[0].Reason != "keyCompromise" ||
		doc.Files[1].Path != p.interOld || doc.Files[1].Objects[0].CRL.Number != "1" {
		t.Errorf("--json:\n%s", out)
	}

	for _, tc := range []struct {
		file, want string
	}{
		{p.bundle, p.bundle + " holds no CRL"},
		{filepath.Join(dir, "nope"), "nope: no such file"},
	} {
		f, out, errOut, _ := testFactory(t)
		if code := runCmd(f, "crl", "show", tc.file); code != 1 || !strings.Contains(errOut.String(), tc.want) || out.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q\n%s", tc.file, code, out, errOut)
		}
	}
}

// TestCrlShowDaysAgreeWithCheck: for a CRL 179 days and 23 hours from its next
// update, crl show (text and --json) gives the number of days check gives.
func TestCrlShowDaysAgreeWithCheck(t *testing.T) {
	ca := testpki.Root(t, "Days Root")
	next := testpki.Now.Add(179*24*time.Hour + 23*time.Hour)
	file := writeTestFile(t, t.TempDir(), "root.crl", ca.CRLPEM(t, 1, testpki.Now.Add(-time.Hour), next))
	want := words.DaysLeft(next, testpki.Now)
	if want != 179 {
		t.Fatalf("check counts %d days", want)
	}
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "crl", "show", file); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out.String(), "(179 days left)") {
		t.Errorf("crl show:\n%s", out)
	}
	out.Reset()
	if code := runCmd(f, "crl", "show", "--json", file); code != 0 {
		t.Fatalf("--json: exit %d\n%s", code, errOut)
	}
	var doc struct {
		Files []struct {
			Objects []struct {
				CRL struct {
					DaysLeft int `json:"days_left"`
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Files) != 1 || len(doc.Files[0].Objects) != 1 || doc.Files[0].Objects[0].CRL.DaysLeft != want {
		t.Errorf("--json: %v\n%s", err, out)
	}
}
