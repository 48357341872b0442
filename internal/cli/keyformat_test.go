package cli

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/pkg/keys"
)

// TestKeyEncryptFormats: key encrypt --traditional writes the legacy encrypted PEM
// that crypto/x509's DecryptPEMBlock (what pgx uses) opens, --der encrypted DER
// PKCS#8 that openssl opens with -inform DER; key new --der writes plain DER; both
// forms at once, and --traditional without a passphrase, are refused as bad usage.
func TestKeyEncryptFormats(t *testing.T) {
	openssl := testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.key")
	run := func(args ...string) (int, string) {
		f, _, errOut, _ := testFactory(t)
		f.Getenv = func(k string) (string, bool) { return "key pass", k == "KEY_PASS" }
		return runCmd(f, args...), errOut.String()
	}
	if code, stderr := run("key", "new", "-o", plain); code != 0 {
		t.Fatalf("key new: %d\n%s", code, stderr)
	}
	trad := filepath.Join(dir, "trad.key")
	if code, stderr := run("key", "encrypt", plain, "--traditional", "--passout", "env:KEY_PASS", "-o", trad); code != 0 {
		t.Fatalf("key encrypt --traditional: %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(trad)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	//lint:ignore SA1019 pgx decrypts with DecryptPEMBlock: the key must suit it.
	if block == nil || !x509.IsEncryptedPEMBlock(block) {
		t.Fatalf("not a traditional encrypted PEM key:\n%s", data)
	}
	//lint:ignore SA1019 as above
	if _, err := x509.DecryptPEMBlock(block, []byte("key pass")); err != nil {
		t.Errorf("DecryptPEMBlock: %v", err)
	}
	der := filepath.Join(dir, "key.der")
	if code, stderr := run("key", "encrypt", plain, "--der", "--passout", "env:KEY_PASS", "-o", der); code != 0 {
		t.Fatalf("key encrypt --der: %d\n%s", code, stderr)
	}
	if out, err := exec.Command(openssl, "pkey", "-inform", "DER", "-in", der, "-passin", "pass:key pass", "-noout").CombinedOutput(); err != nil {
		t.Errorf("openssl cannot read the encrypted DER key: %v\n%s", err, out)
	}
	if data, _ := os.ReadFile(der); data == nil || data[0] != 0x30 {
		t.Errorf("--der wrote no DER")
	}
	plainDER := filepath.Join(dir, "plain.der")
	if code, stderr := run("key", "new", "--der", "-o", plainDER); code != 0 {
		t.Fatalf("key new --der: %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(plainDER); data == nil {
		t.Error("key new --der wrote nothing")
	} else if k, err := keys.Parse(data, nil); err != nil || k.Info.Encrypted || k.Info.Encoding != "DER" {
		t.Errorf("key new --der: %v %+v", err, k)
	}
	for _, args := range [][]string{
		{"key", "new", "--traditional", "-o", filepath.Join(dir, "x.key")},
		{"key", "encrypt", plain, "--traditional", "--der", "--passout", "env:KEY_PASS", "-o", filepath.Join(dir, "y.key")},
	} {
		if code, _ := run(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	for _, n := range []string{"x.key", "y.key"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			t.Errorf("a refused command wrote %s", n)
		}
	}
}

// TestIssueClientOwner: run as root, ca issue client gives the bundle, and the
// directories it makes, to the owner of the nearest existing directory (a user's
// home), or to --owner; the "wrote" lines name the owner, and the printed
// connection string carries dbname.
func TestIssueClientOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files away")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	run := func(args ...string) (int, string, string) {
		f, out, errOut, _ := testFactory(t)
		return runCmd(f, args...), out.String(), errOut.String()
	}
	if code, _, stderr := run("ca", "init", "--ca-dir", caDir); code != 0 {
		t.Fatalf("ca init: %d\n%s", code, stderr)
	}
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, uid, -1); err != nil {
		t.Fatal(err)
	}
	owned := func(path string) int {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return int(fi.Sys().(*syscall.Stat_t).Uid)
	}
	out := filepath.Join(home, ".postgresql")
	code, stdout, stderr := run("ca", "issue", "client", "--ca-dir", caDir, "--user", "alice", "-o", out)
	if code != 0 {
		t.Fatalf("ca issue client: %d\n%s", code, stderr)
	}
	for _, p := range []string{out, filepath.Join(out, "postgresql.key"), filepath.Join(out, "postgresql.crt"), filepath.Join(out, "root.crt")} {
		if got := owned(p); got != uid {
			t.Errorf("%s owned by %d, want %d (the home's owner)", p, got, uid)
		}
	}
	if !strings.Contains(stdout, "postgresql.key (mode 0600, owner nobody:") || !strings.Contains(stdout, "user=alice dbname=postgres") {
		t.Errorf("output:\n%s", stdout)
	}

	other := filepath.Join(dir, "other")
	if code, _, stderr := run("ca", "issue", "client", "--ca-dir", caDir, "--user", "bob", "-o", other, "--owner", "nobody"); code != 0 {
		t.Fatalf("--owner nobody: %d\n%s", code, stderr)
	}
	if got := owned(filepath.Join(other, "postgresql.key")); got != uid {
		t.Errorf("--owner nobody: key owned by %d", got)
	}
	if code, _, _ := run("ca", "issue", "client", "--ca-dir", caDir, "--user", "carol", "-o", filepath.Join(dir, "c"), "--owner", "no-such-user-pgcert"); code != 2 {
		t.Errorf("--owner of an unknown user: exit %d, want 2", code)
	}
	if code, _, _ := run("ca", "issue", "client", "--ca-dir", caDir, "--user", "dave", "-o", filepath.Join(dir, "d"), "--traditional"); code != 2 {
		t.Errorf("--traditional without a passphrase: exit %d, want 2", code)
	}
}
