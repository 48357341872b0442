package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// TestCRLGenSerials: crl gen --serials makes, from a CA certificate, its key and
// a plain list, a CRL that openssl verifies against the CA and that lists each
// serial with its time and reason; a malformed line is refused with its number.
func TestCRLGenSerials(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	if code, _, stderr := trustRun(t, "ca", "init", "--ca-dir", caDir, "--cn", "Foreign CA"); code != 0 {
		t.Fatalf("ca init: %d\n%s", code, stderr)
	}
	caCert, caKey := filepath.Join(caDir, "ca.crt"), filepath.Join(caDir, "private", "ca.key")
	list := filepath.Join(dir, "revoked.txt")
	body := "# revoked by step ca revoke\n" +
		"0x4F2A01  2026-11-01T10:00:00Z  keyCompromise\n" +
		"0a:bc:de superseded 2026-10-02\n" +
		"1234\n"
	if err := os.WriteFile(list, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ca.crl")
	if code, _, stderr := trustRun(t, "crl", "gen", "--serials", list, "--ca-cert", caCert, "--ca-key", caKey, "-o", out); code != 0 {
		t.Fatalf("crl gen --serials: %d\n%s", code, stderr)
	}
	if v := string(testenv.OpenSSL(t, "crl", "-in", out, "-CAfile", caCert, "-noout")); !strings.Contains(v, "verify OK") {
		t.Errorf("openssl crl -CAfile: %s", v)
	}
	text := string(testenv.OpenSSL(t, "crl", "-in", out, "-noout", "-text"))
	for _, want := range []string{
		"Serial Number: 4F2A01", "Revocation Date: Nov  1 10:00:00 2026 GMT", "Key Compromise",
		"Serial Number: 0ABCDE", "Revocation Date: Oct  2 00:00:00 2026 GMT", "Superseded",
		"Serial Number: 1234",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the CRL lacks %q:\n%s", want, text)
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "crlnumber")); err != nil || strings.TrimSpace(string(data)) != "02" {
		t.Errorf("crlnumber beside the list: %q, %v", data, err)
	}

	if err := os.WriteFile(list, []byte("4F2A01\nxyz 2026-11-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := trustRun(t, "crl", "gen", "--serials", list, "--ca-cert", caCert, "--ca-key", caKey, "-o", filepath.Join(dir, "bad.crl"))
	if code != 1 || !strings.Contains(stderr, "line 2") {
		t.Errorf("a bad serial: exit %d\n%s", code, stderr)
	}
	if code, _, _ := trustRun(t, "crl", "gen", "--serials", list, "--index", list, "--ca-cert", caCert, "--ca-key", caKey); code != 2 {
		t.Errorf("--serials with --index: exit %d", code)
	}
}
