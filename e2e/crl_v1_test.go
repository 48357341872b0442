package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersion1CRL: a version 1 CRL made by openssl ca (pkg/crl/testdata/v1, from
// mkv1.sh there) as the server's ssl_crl_file: pgcert check reads it and finds
// nothing wrong, the real server loads it, the client it does not list logs in by
// certificate and the one it lists is refused as revoked.
func TestVersion1CRL(t *testing.T) {
	fixtures := filepath.Join("..", "pkg", "crl", "testdata", "v1")
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(fixtures, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	p := newRevocationPKI(t)
	c := p.c
	c.WriteFile(t, "clients.crt", read("ca.pem"), 0o644)
	c.WriteFile(t, "v1.crl", read("v1.crl"), 0o644)
	c.AppendConf(t, "ssl_ca_file = 'clients.crt'", "ssl_crl_file = 'v1.crl'")
	if r := pgcert(t, "check", "-D", c.DataDir, "--json"); r.Code != 0 {
		t.Errorf("pgcert check with a version 1 CRL: exit %d, problems %v\n%s", r.Code, parseCheck(t, r).problems(), r.Stderr)
	}
	c.MustStart(t)
	c.SQL(t, "CREATE ROLE good LOGIN; CREATE ROLE revoked LOGIN")
	clients := t.TempDir()
	for _, role := range []string{"good", "revoked"} {
		dir := filepath.Join(clients, role)
		os.Mkdir(dir, 0o700)
		os.WriteFile(filepath.Join(dir, "postgresql.crt"), read(role+".pem"), 0o644)
		os.WriteFile(filepath.Join(dir, "postgresql.key"), read(role+".key"), 0o600)
		rootPEM, err := os.ReadFile(p.rootCA)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "root.crt"), rootPEM, 0o644)
	}
	out, stderr, err := login(t, c, filepath.Join(clients, "good"), "good")
	if err != nil || out != "good true" {
		t.Errorf("the client the version 1 CRL does not list: %q, %v\n%s", out, err, stderr)
	}
	_, stderr, err = login(t, c, filepath.Join(clients, "revoked"), "revoked")
	if err == nil || !strings.Contains(stderr, "sslv3 alert certificate revoked") {
		t.Errorf("the client the version 1 CRL lists: %v\n%s", err, stderr)
	}
}
