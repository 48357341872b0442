package e2e

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestCheckWeakServerCertificate starts PostgreSQL 15 with server certificates whose
// key is too small for the system OpenSSL's security level, and with a neighbour that
// is not: check must say "could not load server certificate file" in the server's
// words exactly when the server refuses to start. For the manual's own `openssl req
// -x509 -newkey rsa:1024`, check's fix, pasted, gives a server that starts.
func TestCheckWeakServerCertificate(t *testing.T) {
	openssl := testenv.RequireOpenSSL(t)
	h := newHierarchy(t)
	weakKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	strongKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	nb, na := validFrom(h.now)
	serverOf := func(key crypto.Signer, issuer *testpki.Cert) *testpki.Cert {
		return testpki.Make(t, testpki.Template{CN: serverName, DNS: []string{serverName}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			NotBefore: nb, NotAfter: na, Key: key}, issuer)
	}
	weakInter := testpki.Make(t, testpki.Template{CN: "weak intermediate", IsCA: true, MaxPath: -1, NotBefore: nb, NotAfter: na, Key: weakKey}, h.root)
	underWeak := serverOf(nil, weakInter)

	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "server.key"), filepath.Join(dir, "server.crt")
	if out, err := exec.Command(openssl, "req", "-new", "-x509", "-newkey", "rsa:1024", "-noenc", "-days", "30",
		"-keyout", keyFile, "-out", certFile, "-subj", "/CN="+serverName).CombinedOutput(); err != nil {
		t.Fatalf("openssl req -x509: %v\n%s", err, out)
	}
	manualCert, err1 := os.ReadFile(certFile)
	manualKey, err2 := os.ReadFile(keyFile)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name           string
		certPEM, key   []byte
		reason         string // "" when the server starts
		pasteFixStarts bool
	}{
		{"openssl req -x509 rsa:1024", manualCert, manualKey, "ee key too small", true},
		{"rsa 1024 leaf", testpki.Bundle(serverOf(weakKey, h.inter), h.inter), pemKey(t, weakKey), "ee key too small", false},
		{"rsa 1024 intermediate", testpki.Bundle(underWeak, weakInter), underWeak.KeyPEM(t), "ca key too small", false},
		{"rsa 2048 leaf", testpki.Bundle(serverOf(strongKey, h.inter), h.inter), pemKey(t, strongKey), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := pgtest.NewCluster(t, pgtest.Options{})
			c.EnableSSL(t, tc.certPEM, tc.key)
			rep := parseCheck(t, pgcert(t, "check", "-D", c.DataDir, "--json"))
			loads := rep.find("ssl_cert_file", "load")
			err := c.Start()
			if tc.reason == "" {
				if len(loads) != 0 || err != nil {
					t.Fatalf("check: %+v; the server: %v", loads, err)
				}
				return
			}
			want := `could not load server certificate file "server.crt": ` + tc.reason
			if len(loads) != 1 || loads[0].Level != "error" || loads[0].Message != want || loads[0].Source != "server" {
				t.Fatalf("check: %+v, want the server's %q", loads, want)
			}
			var se *pgtest.StartError
			if !errors.As(err, &se) || !strings.Contains(se.Log, "FATAL:  "+want+"\n") {
				t.Fatalf("check predicted %q; the server: %v", want, err)
			}
			if !tc.pasteFixStarts {
				return
			}
			fix := loads[0].Fix
			i := strings.Index(fix, "pgcert ")
			if i < 0 {
				t.Fatalf("the fix names no command: %q", fix)
			}
			if r := pgcert(t, strings.Fields(fix[i+len("pgcert "):])...); r.Code != 0 {
				t.Fatalf("%s: exit %d\n%s%s", fix[i:], r.Code, r.Stdout, r.Stderr)
			}
			if err := c.Start(); err != nil {
				t.Fatalf("after %s, the server: %v", fix[i:], err)
			}
		})
	}
}

// pemKey is key in PKCS#8 PEM.
func pemKey(t *testing.T, key *rsa.PrivateKey) []byte {
	t.Helper()
	return (&testpki.Cert{Key: key}).KeyPEM(t)
}
