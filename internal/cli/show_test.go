package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
)

// showFixtures writes a bundle, a CRL, a key and a request into dir.
func showFixtures(t *testing.T, dir string) (bundle, crlFile, keyFile string, h struct{ root, inter, leaf *testpki.Cert }) {
	t.Helper()
	h.root = testpki.Root(t, "Show Root")
	h.inter = h.root.Intermediate(t, "Show Intermediate")
	h.leaf = h.inter.Server(t, "db.example.com", "10.0.0.5")
	bundle = filepath.Join(dir, "bundle.pem")
	os.WriteFile(bundle, testpki.Bundle(h.leaf, h.inter), 0o644)
	crlFile = filepath.Join(dir, "root.crl")
	os.WriteFile(crlFile, h.root.CRLPEM(t, 7, testpki.Now.Add(-time.Hour), testpki.Now.Add(24*time.Hour),
		testpki.Revoked{Cert: h.inter.Cert, Reason: 1}, testpki.Revoked{Cert: h.leaf.Cert}), 0o644)
	keyFile = filepath.Join(dir, "server.key")
	os.WriteFile(keyFile, h.leaf.KeyPEM(t), 0o600)
	return bundle, crlFile, keyFile, h
}

func TestShowHuman(t *testing.T) {
	dir := t.TempDir()
	bundle, crlFile, keyFile, h := showFixtures(t, dir)
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "show", bundle, crlFile, keyFile); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	text := out.String()
	leaf := h.leaf.Cert
	for _, want := range []string{
		bundle + ": certificate 1 of 2 (PEM \"CERTIFICATE\")",
		bundle + ": certificate 2 of 2",
		"subject:             CN = db.example.com",
		"issuer:              CN = Show Intermediate",
		"serial:              " + serialHex(leaf.SerialNumber),
		"not after:           " + leaf.NotAfter.UTC().Format(words.TimeLayout) + " (365 days left)",
		"names (SAN):         DNS:db.example.com, IP:10.0.0.5",
		"extended key usage:  serverAuth",
		"basic constraints:   CA:TRUE (critical)",
		crlFile + ": CRL (PEM \"X509 CRL\")",
		"number:              7",
		"next update:         " + testpki.Now.Add(24*time.Hour).Format(words.TimeLayout) + " (1 day left)",
		"revoked:             2 certificates",
		"    " + serialHex(h.inter.Cert.SerialNumber) + "  revoked " + testpki.Now.Add(-time.Hour).Format(words.TimeLayout) + "  keyCompromise\n",
		"    " + serialHex(leaf.SerialNumber) + "  revoked " + testpki.Now.Add(-time.Hour).Format(words.TimeLayout) + "\n",
		keyFile + ": private key (PEM \"PRIVATE KEY\")",
		"type:               ECDSA P-256",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	fp, _ := keys.PublicKeyFingerprint(leaf.PublicKey)
	if strings.Count(text, fp) != 2 {
		t.Errorf("the key's fingerprint %s is not shown for both the certificate and the key", fp)
	}
	if t.Failed() {
		t.Log(text)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q", errOut)
	}
}

// serialHex is a serial as show prints it, and as index.txt and ca list do:
// upper-case hex, an even number of digits.
func serialHex(n *big.Int) string {
	return fmt.Sprintf("%X", n.Bytes())
}

func TestShowExpiry(t *testing.T) {
	dir := t.TempDir()
	expired := testpki.Make(t, testpki.Template{CN: "old", NotBefore: testpki.Now.Add(-100 * 24 * time.Hour), NotAfter: testpki.Now.Add(-3 * 24 * time.Hour)}, nil)
	soon := testpki.Make(t, testpki.Template{CN: "soon", NotBefore: testpki.Now.Add(-time.Hour), NotAfter: testpki.Now.Add(5*24*time.Hour + time.Hour)}, nil)
	future := testpki.Make(t, testpki.Template{CN: "future", NotBefore: testpki.Now.Add(time.Hour), NotAfter: testpki.Now.Add(50 * 24 * time.Hour)}, nil)
	file := filepath.Join(dir, "certs.pem")
	os.WriteFile(file, testpki.Bundle(expired, soon, future), 0o644)
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "show", file); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Five days and an hour are 5 days, as check counts them.
	for _, want := range []string{"(expired 3 days ago)", "(5 days left)", "(not valid yet)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestShowJSONStreamsWhatWriteJSONWould: the streamed document is byte for byte
// what cmdutil.WriteJSON makes of the same description with the entries in memory.
func TestShowJSONStreamsWhatWriteJSONWould(t *testing.T) {
	dir := t.TempDir()
	bundle, crlFile, keyFile, _ := showFixtures(t, dir)
	emptyCRL := filepath.Join(dir, "empty.crl")
	root := testpki.Root(t, "Empty CRL Root")
	os.WriteFile(emptyCRL, root.CRLPEM(t, 1, testpki.Now, testpki.Now.Add(time.Hour)), 0o644)
	files := []string{bundle, crlFile, keyFile, emptyCRL}
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, append([]string{"show", "--json"}, files...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}

	type crlWithEntries struct {
		*inspect.CRL
		Entries []inspect.CRLEntry `json:"entries"`
	}
	type objectWithEntries struct {
		*inspect.Object
		CRL *crlWithEntries `json:"crl,omitempty"`
	}
	type fileDoc struct {
		Path    string              `json:"path"`
		Objects []objectWithEntries `json:"objects"`
	}
	var want struct {
		Files []fileDoc `json:"files"`
	}
	for _, path := range files {
		data, _ := os.ReadFile(path)
		objs, err := inspect.Describe(data, f.Now())
		if err != nil {
			t.Fatal(err)
		}
		fd := fileDoc{Path: path}
		for _, o := range objs {
			ow := objectWithEntries{Object: o}
			if o.CRL != nil {
				ow.CRL = &crlWithEntries{CRL: o.CRL, Entries: []inspect.CRLEntry{}}
				o.CRL.ScanEntries(func(e inspect.CRLEntry) error {
					ow.CRL.Entries = append(ow.CRL.Entries, e)
					return nil
				})
			}
			fd.Objects = append(fd.Objects, ow)
		}
		want.Files = append(want.Files, fd)
	}
	var buf bytes.Buffer
	if err := cmdutil.WriteJSON(&buf, want); err != nil {
		t.Fatal(err)
	}
	if out.String() != buf.String() {
		t.Fatalf("streamed:\n%s\nwant:\n%s", out, &buf)
	}

	var doc struct {
		Files []struct {
			Objects []struct {
				Type string `json:"type"`
				CRL  *struct {
					EntryCount int `json:"entry_count"`
					Entries    []struct {
						Serial string `json:"serial"`
						Reason string `json:"reason"`
					} `json:"entries"`
				} `json:"crl"`
			} `json:"objects"`
		} `json:"files"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Files[1].Objects[0].CRL
	if len(doc.Files) != 4 || len(doc.Files[0].Objects) != 2 || c == nil || c.EntryCount != 2 || len(c.Entries) != 2 ||
		c.Entries[0].Reason != "keyCompromise" || doc.Files[3].Objects[0].CRL.Entries == nil {
		t.Errorf("%s", out)
	}
}

// TestShowBigCRLJSON streams a CRL of many entries into valid JSON.
func TestShowBigCRLJSON(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.Root(t, "Big CRL Root")
	var revoked []testpki.Revoked
	for i := range 5000 {
		revoked = append(revoked, testpki.Revoked{Cert: &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1))}})
	}
	file := filepath.Join(dir, "big.crl")
	os.WriteFile(file, ca.CRL(t, 3, testpki.Now, testpki.Now.Add(time.Hour), revoked...), 0o644)
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "--json", "show", file); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Files []struct {
			Objects []struct {
				Encoding string `json:"encoding"`
				CRL      struct {
					EntryCount int                `json:"entry_count"`
					Entries    []inspect.CRLEntry `json:"entries"`
				} `json:"crl"`
			} `json:"objects"`
		} `json:"files"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Files[0].Objects[0].CRL
	if doc.Files[0].Objects[0].Encoding != "DER" || c.EntryCount != 5000 || len(c.Entries) != 5000 || c.Entries[4999].Serial != "1388" {
		t.Errorf("entry_count %d, %d entries", c.EntryCount, len(c.Entries))
	}
}

func TestShowRefusals(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.txt")
	os.WriteFile(garbage, []byte("hello\n"), 0o644)
	good := filepath.Join(dir, "good.pem")
	os.WriteFile(good, testpki.Root(t, "Good").PEM(), 0o644)
	truncated := filepath.Join(dir, "truncated.pem")
	data, _ := os.ReadFile(good)
	os.WriteFile(truncated, data[:len(data)-40], 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{garbage}, cmdutil.ExitFailure, garbage + ": data that is neither PEM nor DER: not a certificate, certificate request, CRL or key"},
		{[]string{good, garbage}, cmdutil.ExitFailure, "pgcert: hint: pgcert show reads PEM files"},
		{[]string{truncated}, cmdutil.ExitFailure, truncated + ": a PEM block does not decode"},
		{[]string{filepath.Join(dir, "none")}, cmdutil.ExitFailure, filepath.Join(dir, "none") + ": no such file"},
		{[]string{dir}, cmdutil.ExitFailure, "is a directory"},
		{nil, cmdutil.ExitUsage, "want at least one FILE"},
	} {
		f, out, errOut, _ := testFactory(t)
		code := runCmd(f, append([]string{"show"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut.String(), tc.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, code, out, errOut)
		}
	}
}

func TestShowStdin(t *testing.T) {
	f, out, errOut, _ := testFactory(t)
	f.IO.In = bytes.NewReader(testpki.Root(t, "From Stdin").Cert.Raw)
	if code := runCmd(f, "show", "-"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "-: certificate (DER)") || !strings.Contains(out.String(), "CN = From Stdin (self-signed)") {
		t.Errorf("%s", out)
	}
}
