package keys

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// The passphrases make-fixtures.sh encrypts with.
const (
	fixturePass     = "pgcert-test"
	fixtureUTF8Pass = "pässwörd-ü"
	// fixtureLatin1Pass is not valid UTF-8.
	fixtureLatin1Pass = "p\xe4ss-latin1"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixturePublicKey reads testdata/<base>.pub.pem, written by `openssl pkey -pubout`.
func fixturePublicKey(t testing.TB, base string) crypto.PublicKey {
	t.Helper()
	block, _ := pem.Decode(readFixture(t, base+".pub.pem"))
	if block == nil {
		t.Fatalf("%s.pub.pem: no PEM block", base)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatalf("%s.pub.pem: %v", base, err)
	}
	return pub
}

// countingPass returns a PassphraseFunc giving pass, and the number of its calls.
func countingPass(pass string) (PassphraseFunc, *int) {
	calls := new(int)
	return func() ([]byte, error) {
		*calls++
		return []byte(pass), nil
	}, calls
}

// failOnCall is a PassphraseFunc for keys that must not ask for a passphrase.
func failOnCall(t testing.TB) PassphraseFunc {
	return func() ([]byte, error) {
		t.Helper()
		t.Error("the passphrase was asked for")
		return []byte(fixturePass), nil
	}
}

// runOpenSSL runs openssl with args, failing the test when it exits non-zero, and
// returns its standard output alone.
func runOpenSSL(t testing.TB, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(testenv.RequireOpenSSL(t), args...)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("openssl %v: %v\n%s", args, err, stderr)
	}
	return out
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
