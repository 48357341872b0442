package testenv

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// VerifyVerdict is what `openssl verify` concluded about a certificate: OK, or the
// first error it printed — the one a TLS handshake stops at (its verify callback
// carries on after some errors to print more).
type VerifyVerdict struct {
	OK     bool
	Code   int    // X509_V_ERR_* number of the first error
	Depth  int    // its depth in the chain, 0 for the certificate verified
	Text   string // OpenSSL's words for it
	Output string
}

var verifyError = regexp.MustCompile(`error (\d+) at (\d+) depth lookup: (.*)`)

// OpenSSLVerify runs `openssl verify -no-CApath -no-CAstore` with args (options such
// as -CAfile, -untrusted, -attime, then the certificate file) and returns its
// verdict, failing the test when openssl printed neither OK nor an error.
func OpenSSLVerify(t testing.TB, args ...string) VerifyVerdict {
	t.Helper()
	all := append([]string{"verify", "-no-CApath", "-no-CAstore"}, args...)
	out, err := exec.Command(RequireOpenSSL(t), all...).CombinedOutput()
	v := VerifyVerdict{Output: string(out)}
	if m := verifyError.FindStringSubmatch(v.Output); m != nil {
		v.Code, _ = strconv.Atoi(m[1])
		v.Depth, _ = strconv.Atoi(m[2])
		v.Text = strings.TrimSpace(m[3])
		return v
	}
	if err != nil || !strings.Contains(v.Output, ": OK") {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(all, " "), err, out)
	}
	v.OK = true
	return v
}
