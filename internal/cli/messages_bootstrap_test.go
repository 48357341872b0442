package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
)

// TestSmallRSARequest: a request for a 512-bit RSA key (openssl's, in pkg/selfsign's
// fixtures) is refused for its key's size, with a hint naming a command that exists,
// by selfsign --req and ca sign alike.
func TestSmallRSARequest(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join("..", "..", "pkg", "selfsign", "testdata", "rsa512.csr")
	_, key := makeRequest(t, dir, "--cn", "db.example.com")
	caDir := filepath.Join(dir, "ca")
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir); code != cmdutil.ExitOK {
		t.Fatalf("ca init: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{
		{"selfsign", "--req", req, "--key", key, "-o", filepath.Join(dir, "s.crt")},
		{"ca", "sign", "--profile", "server", "--ca-dir", caDir, "-o", filepath.Join(dir, "c.crt"), req},
	} {
		f, _, errOut, _ := testFactory(t)
		code := runCmd(f, args...)
		want := "pgcert: error: " + req + ": the request's key is too small: RSA key of 512 bits; at least 2048 are needed\n" +
			"pgcert: hint: make a new key and request with pgcert req --nopass --new-key server.key -o server.req (ECDSA P-256; --type rsa for RSA 2048)\n"
		if code != cmdutil.ExitFailure || errOut.String() != want {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant:\n%s", args[0], code, errOut, want)
		}
	}
	// The hint works as pasted.
	f, _, errOut, _ = testFactory(t)
	t.Chdir(t.TempDir())
	if code := runCmd(f, "req", "--nopass", "--new-key", "server.key", "-o", "server.req"); code != cmdutil.ExitOK {
		t.Fatalf("the hint's command: exit %d: %s", code, errOut)
	}
}

// TestBroadWildcardRefused: *.com names every host of a top-level domain, which
// libpq would match; init, selfsign -D and req refuse it unless --force.
func TestBroadWildcardRefused(t *testing.T) {
	dir := t.TempDir()
	const msg = `pgcert: error: *.com covers every host name under "com", a top-level domain: libpq would accept it for any of them`
	for _, tc := range []struct {
		name string
		args []string
		out  string
	}{
		{"init", []string{"init", "-D", filepath.Join(dir, "i"), "--ca-dir", filepath.Join(dir, "ca"), "--host", "db.example.com", "--host", "*.COM"}, filepath.Join(dir, "i", "server.crt")},
		{"selfsign", []string{"selfsign", "-D", filepath.Join(dir, "s"), "--host", "*.com"}, filepath.Join(dir, "s", "server.crt")},
		{"req --san", []string{"req", "--nopass", "--cn", "db", "--san", "DNS:*.com", "-o", filepath.Join(dir, "r.req"), "--new-key", filepath.Join(dir, "r.key")}, filepath.Join(dir, "r.req")},
		{"req --cn", []string{"req", "--nopass", "--cn", "*.com", "-o", filepath.Join(dir, "c.req"), "--new-key", filepath.Join(dir, "c.key")}, filepath.Join(dir, "c.req")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.MkdirAll(filepath.Join(dir, "s"), 0o700)
			f, _, errOut, _ := testFactory(t)
			code := runCmd(f, tc.args...)
			if code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), msg+"\n") || !strings.Contains(errOut.String(), "add --force if you mean it") {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			if cmdutil.FileExists(tc.out) {
				t.Fatalf("%s was written", tc.out)
			}
			f, _, errOut, _ = testFactory(t)
			if code := runCmd(f, append(tc.args, "--force")...); code != cmdutil.ExitOK {
				t.Fatalf("--force: exit %d: %s", code, errOut)
			}
		})
	}
}

// TestReqExistingNewKeyHint: -o names the request, so an existing key file gets a
// hint naming --new-key (and --key, to use it).
func TestReqExistingNewKeyHint(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "privkey.pem")
	os.WriteFile(key, []byte("old"), 0o600)
	f, _, errOut, _ := testFactory(t)
	code := runCmd(f, "req", "--nopass", "--cn", "db", "-o", filepath.Join(dir, "server.req"), "--new-key", key)
	want := "pgcert: error: " + key + " already exists\n" +
		"pgcert: hint: add --force to replace it, name the new key with --new-key FILE, or make the request for it with --key " + key + "\n"
	if code != cmdutil.ExitFailure || errOut.String() != want {
		t.Fatalf("exit %d, stderr:\n%s\nwant:\n%s", code, errOut, want)
	}
}

// TestLongHostShortened: a 100 KB --host is named by its first bytes and its length.
func TestLongHostShortened(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("h", 100<<10)
	for _, args := range [][]string{
		{"init", "-D", filepath.Join(dir, "i"), "--ca-dir", filepath.Join(dir, "ca"), "--host", long},
		{"selfsign", "-D", dir, "--host", long},
		{"req", "--nopass", "--cn", "db", "--san", "DNS:" + long, "-o", filepath.Join(dir, "r.req"), "--new-key", filepath.Join(dir, "r.key")},
	} {
		f, _, errOut, _ := testFactory(t)
		code := runCmd(f, args...)
		if code != cmdutil.ExitUsage || errOut.Len() > 400 || !strings.Contains(errOut.String(), "…(1024") {
			t.Errorf("%s: exit %d, stderr of %d bytes: %.500s", args[0], code, errOut.Len(), errOut)
		}
	}
}

// TestReqIPAsDNSSAN: an address given as DNS: is told to be given as IP:.
func TestReqIPAsDNSSAN(t *testing.T) {
	dir := t.TempDir()
	f, _, errOut, _ := testFactory(t)
	code := runCmd(f, "req", "--nopass", "--cn", "db", "--san", "DNS:192.0.2.1", "-o", filepath.Join(dir, "r.req"), "--new-key", filepath.Join(dir, "r.key"))
	want := `pgcert: error: --san: invalid subject alternative name "DNS:192.0.2.1": 192.0.2.1 is an IP address, which belongs in IP:192.0.2.1` + "\n"
	if code != cmdutil.ExitUsage || !strings.HasPrefix(errOut.String(), want) {
		t.Fatalf("exit %d, stderr:\n%s\nwant:\n%s", code, errOut, want)
	}
}

// TestReqNewKeyIsADirectory: a directory at --new-key gets the directory hint, not
// --force, which could not replace it.
func TestReqNewKeyIsADirectory(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "privkey.pem")
	os.Mkdir(key, 0o700)
	f, _, errOut, _ := testFactory(t)
	code := runCmd(f, "req", "--nopass", "--cn", "db", "-o", filepath.Join(dir, "server.req"), "--new-key", key)
	if code != cmdutil.ExitFailure || strings.Contains(errOut.String(), "--force") || !strings.Contains(errOut.String(), "it is a directory, which is never replaced") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
}
