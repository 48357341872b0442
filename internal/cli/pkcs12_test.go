package cli

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/pkg/keys"
)

// The PKCS#12 fixtures, made by testdata/pkcs12/make.sh with openssl 3.
const p12Dir = "testdata/pkcs12"

// p12Run runs pgcert with args on a test factory whose clock is the real one (the
// fixtures were made by openssl, valid from when they were made).
func p12Run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	f.Now = time.Now
	code := runCmd(f, args...)
	return code, out.String(), errOut.String()
}

// fixtureCerts reads the certificates of PEM fixture files, in order.
func fixtureCerts(t *testing.T, names ...string) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for _, n := range names {
		out = append(out, readCerts(t, filepath.Join(p12Dir, n))...)
	}
	return out
}

func sameCerts(a, b []*x509.Certificate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// TestChainFromPKCS12: openssl's modern, legacy (-legacy: RC2 and 3DES) and
// empty-password PKCS#12 files give chain their certificates, and their key picks
// the leaf: server.crt is the leaf, the intermediate and the root, as from the PEM
// files; a wrong password is refused, naming the file, and nothing is written.
func TestChainFromPKCS12(t *testing.T) {
	want := fixtureCerts(t, "leaf.pem", "intermediate.pem", "root.pem")
	for _, tc := range []struct{ file, pass string }{{"modern.p12", "secret"}, {"legacy.p12", "secret"}, {"empty.p12", ""}} {
		t.Run(tc.file, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "server.crt")
			args := []string{"chain", "-o", out, filepath.Join(p12Dir, tc.file)}
			if tc.pass != "" {
				args = append(args, "--passin", "pass:"+tc.pass)
			}
			if code, _, stderr := p12Run(t, args...); code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if got := readCerts(t, out); !sameCerts(got, want) {
				t.Errorf("server.crt holds %d certificates, not the leaf, intermediate and root", len(got))
			}
		})
	}
	out := filepath.Join(t.TempDir(), "server.crt")
	code, _, stderr := p12Run(t, "chain", "-o", out, "--passin", "pass:wrong", filepath.Join(p12Dir, "modern.p12"))
	if code != 1 || !strings.Contains(stderr, "modern.p12: wrong passphrase") {
		t.Errorf("a wrong password: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused chain wrote server.crt")
	}
}

// TestPKCS12KeyInputs: key strip and selfsign --key read the key of a PKCS#12 file
// (the key of leaf.req), and show describes the file's certificates and key.
func TestPKCS12KeyInputs(t *testing.T) {
	dir := t.TempDir()
	leaf := fixtureCerts(t, "leaf.pem")[0]
	stripped := filepath.Join(dir, "server.key")
	if code, _, stderr := p12Run(t, "key", "strip", filepath.Join(p12Dir, "legacy.p12"), "--passin", "pass:secret", "-o", stripped); code != 0 {
		t.Fatalf("key strip: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(stripped)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.Parse(data, nil)
	if err != nil || k.Info.Encrypted || !keys.PublicKeysEqual(k.Signer.Public(), leaf.PublicKey) {
		t.Fatalf("key strip wrote another key (%v)", err)
	}

	crt := filepath.Join(dir, "self.crt")
	if code, _, stderr := p12Run(t, "selfsign", "--req", filepath.Join(p12Dir, "leaf.req"), "--key", filepath.Join(p12Dir, "modern.p12"), "--passin", "pass:secret", "-o", crt); code != 0 {
		t.Fatalf("selfsign: exit %d\n%s", code, stderr)
	}
	if c := readCerts(t, crt); len(c) != 1 || !keys.PublicKeysEqual(c[0].PublicKey, leaf.PublicKey) {
		t.Errorf("selfsign certified another key")
	}

	code, stdout, stderr := p12Run(t, "show", filepath.Join(p12Dir, "modern.p12"), "--passin", "pass:secret")
	if code != 0 {
		t.Fatalf("show: exit %d\n%s", code, stderr)
	}
	for _, w := range []string{"certificate 1 of 3", "CN = db.example.com", "CN = P12 Test Intermediate", "CN = P12 Test Root", "PKCS#12 DER"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("show does not say %q:\n%s", w, stdout)
		}
	}
}

// TestIssueClientP12ReadByOpenSSL: ca issue client --p12 (modern) and --p12-legacy
// write postgresql.p12, which openssl pkcs12 opens with the bundle's passphrase and
// finds the bundle's key, its certificate and the root in; the keys are encrypted.
func TestIssueClientP12ReadByOpenSSL(t *testing.T) {
	openssl := testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	if code, _, stderr := p12Run(t, "ca", "init", "--ca-dir", caDir); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, stderr)
	}
	for _, legacy := range []bool{false, true} {
		out, flag := filepath.Join(dir, "modern"), "--p12"
		if legacy {
			out, flag = filepath.Join(dir, "legacy"), "--p12-legacy"
		}
		args := []string{"ca", "issue", "client", "--ca-dir", caDir, "--user", "jdbc", "-o", out, "--passout", "pass:secret1", flag}
		code, stdout, stderr := p12Run(t, args...)
		if code != 0 {
			t.Fatalf("ca issue client: exit %d\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "postgresql.p12 (mode 0600, owner ") {
			t.Errorf("no wrote line with mode and owner for postgresql.p12:\n%s", stdout)
		}
		p12 := filepath.Join(out, "postgresql.p12")
		info, err := exec.Command(openssl, "pkcs12", "-in", p12, "-passin", "pass:secret1", "-info", "-noout").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl pkcs12 -info: %v\n%s", err, info)
		}
		wantAlg := "AES-256-CBC"
		if legacy {
			wantAlg = "pbeWithSHA1And3-KeyTripleDES-CBC"
		}
		if !strings.Contains(string(info), wantAlg) {
			t.Errorf("legacy %v: openssl says\n%s\nwant %s", legacy, info, wantAlg)
		}
		pemOut, err := exec.Command(openssl, "pkcs12", "-in", p12, "-passin", "pass:secret1", "-nodes").Output()
		if err != nil {
			t.Fatalf("openssl pkcs12: %v", err)
		}
		var certs []*x509.Certificate
		var keyDER []byte
		for rest := pemOut; ; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				break
			}
			switch b.Type {
			case "CERTIFICATE":
				c, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					t.Fatal(err)
				}
				certs = append(certs, c)
			case "PRIVATE KEY":
				keyDER = b.Bytes
			}
		}
		keyFile, _ := os.ReadFile(filepath.Join(out, "postgresql.key"))
		bundleKey, err := keys.Parse(keyFile, func() ([]byte, error) { return []byte("secret1"), nil })
		if err != nil || !bundleKey.Info.Encrypted {
			t.Fatalf("postgresql.key: %v, encrypted %v", err, bundleKey != nil && bundleKey.Info.Encrypted)
		}
		p12Key, err := keys.Parse(keyDER, nil)
		if err != nil || !keys.PublicKeysEqual(p12Key.Signer.Public(), bundleKey.Signer.Public()) {
			t.Errorf("legacy %v: the PKCS#12 key is not postgresql.key's (%v)", legacy, err)
		}
		leaf := readCerts(t, filepath.Join(out, "postgresql.crt"))[0]
		root := readCerts(t, filepath.Join(out, "root.crt"))[0]
		var hasLeaf, hasRoot bool
		for _, c := range certs {
			hasLeaf = hasLeaf || c.Equal(leaf)
			hasRoot = hasRoot || c.Equal(root)
		}
		if !hasLeaf || !hasRoot {
			t.Errorf("legacy %v: the PKCS#12 file lacks the leaf (%v) or the root (%v)", legacy, hasLeaf, hasRoot)
		}
		if strings.Contains(stdout, "secret1") {
			t.Error("the passphrase was printed")
		}
	}
}
