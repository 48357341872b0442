// Package testenv finds the outside programs that pgcert's tests check against, and
// decides whether their absence skips a test or fails it.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in continuous integration, where a missing
// peer program is a broken set-up rather than a reason to skip.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "0" && v != "false"
}

// Missing skips the test with why, or fails it when running in CI.
func Missing(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=%s: .ci/run must install it)", why, os.Getenv("CI"))
	}
	t.Skip(why)
}

// RequireOpenSSL returns the path of the openssl binary, skipping the test (or failing
// it in CI) when there is none.
func RequireOpenSSL(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		Missing(t, "openssl not found in PATH")
	}
	return path
}

// OpenSSL runs openssl with args and returns its combined output, failing the test
// when it exits non-zero.
func OpenSSL(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(RequireOpenSSL(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	return out
}

// RequireRoot skips a test that needs root (to give files to another user, mount a
// file system or run as another user), or fails it in CI, which runs as root: there
// a test that skips for want of root proves nothing while the run looks green.
func RequireRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "needs root: "+why)
	}
}
