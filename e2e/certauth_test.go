package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyUserPredictsCertAuth: for each certificate and role, pgcert verify
// --user says what the real server's cert method then does, and names the
// reason the server logs: a CN that is the role, a CN that is not, a subject
// mapped through pg_ident.conf with clientname=DN, a subject the map does not
// hold, and a certificate without a CN, as mkcert makes.
func TestVerifyUserPredictsCertAuth(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl to make a certificate without a Common Name")
	}
	c, caDir, rep := initCluster(t, "--client", "alice")
	alice := rep.Clients[0].Dir

	// A client certificate without a Common Name, signed by the same CA.
	dir := t.TempDir()
	noCN := filepath.Join(dir, "nocn")
	if err := os.Mkdir(noCN, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", filepath.Join(noCN, "postgresql.key"), "-out", filepath.Join(dir, "nocn.csr"),
		"-subj", "/O=mkcert development certificate/OU=me@host").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	ext := filepath.Join(dir, "ext.cnf")
	if err := os.WriteFile(ext, []byte("basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\nsubjectAltName = email:me@host\nauthorityKeyIdentifier = keyid\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("openssl", "x509", "-req", "-in", filepath.Join(dir, "nocn.csr"), "-CA", filepath.Join(caDir, "ca.crt"),
		"-CAkey", filepath.Join(caDir, "private", "ca.key"), "-CAcreateserial", "-CAserial", filepath.Join(dir, "serial"), "-days", "30",
		"-extfile", ext, "-out", filepath.Join(noCN, "postgresql.crt")).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl x509 -req: %v\n%s", err, out)
	}
	root, err := os.ReadFile(filepath.Join(alice, "root.crt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(noCN, "root.crt"), root, 0o644); err != nil {
		t.Fatal(err)
	}

	c.SetHBA(t,
		"hostssl all alice,bob 127.0.0.1/32 cert",
		"hostssl all carol,dave 127.0.0.1/32 cert clientname=DN map=dn",
	)
	ident := `dn "CN=alice" carol` + "\n"
	c.WriteFile(t, "pg_ident.conf", []byte(ident), 0o600)
	identFile := filepath.Join(dir, "pg_ident.conf")
	if err := os.WriteFile(identFile, []byte(ident), 0o644); err != nil {
		t.Fatal(err)
	}
	c.MustStart(t)
	c.SQL(t, "CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN")

	for _, tc := range []struct {
		name   string
		bundle string
		role   string
		extra  []string
		ok     bool
	}{
		{"CN is the role", alice, "alice", nil, true},
		{"CN is another role", alice, "bob", nil, false},
		{"DN through a map", alice, "carol", []string{"--clientname", "DN", "--map", "dn", "--ident", identFile}, true},
		{"DN the map does not hold", alice, "dave", []string{"--clientname", "DN", "--map", "dn", "--ident", identFile}, false},
		{"no Common Name", noCN, "alice", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"verify", "--json", filepath.Join(tc.bundle, "postgresql.crt"), "--root", filepath.Join(tc.bundle, "root.crt"), "--user", tc.role}, tc.extra...)
			r := pgcert(t, args...)
			var v struct {
				OK       bool `json:"ok"`
				CertAuth struct {
					OK  bool   `json:"ok"`
					Log string `json:"server_log"`
				} `json:"cert_auth"`
			}
			if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
				t.Fatalf("verify --user: exit %d, %v\n%s%s", r.Code, err, r.Stdout, r.Stderr)
			}
			mark := c.LogMark()
			_, stderr, err := login(t, c, tc.bundle, tc.role)
			if (err == nil) != tc.ok || v.CertAuth.OK != tc.ok || v.OK != tc.ok || (r.Code == 0) != tc.ok {
				t.Fatalf("pgcert predicts ok=%v (exit %d), the server logs in: %v, want %v\n%s\n%s", v.CertAuth.OK, r.Code, err == nil, tc.ok, r.Stdout, stderr)
			}
			if tc.ok {
				return
			}
			if !strings.Contains(stderr, `certificate authentication failed for user "`+tc.role+`"`) {
				t.Errorf("psql: %s", stderr)
			}
			if log := c.LogSince(mark); !strings.Contains(log, v.CertAuth.Log) {
				t.Errorf("pgcert says the server logs %q; it logged:\n%s", v.CertAuth.Log, log)
			}
		})
	}
}
