package chain

import (
	"crypto/rand"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// opensslRun is what `openssl verify` said: ok, or the first error it printed.
type opensslRun struct {
	ok     bool
	reason Reason
	depth  int
	out    string
}

var opensslError = regexp.MustCompile(`error (\d+) at (\d+) depth lookup: (.*)`)

// opensslVerify runs `openssl verify` at testpki.Now with roots as -CAfile, untrusted
// as -untrusted and crls (DER) as -CRLfile with -crl_check_all, and reports its first
// error: the one a TLS handshake stops at. The verify callback of `openssl verify`
// carries on after some errors to print more; the first is what counts.
func opensslVerify(t *testing.T, leaf Input, opts VerifyOptions, crls ...[]byte) opensslRun {
	t.Helper()
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	write := func(name string, ins []Input) string {
		var b []byte
		for _, in := range ins {
			b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: in.Cert.Raw})...)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	args := []string{"verify", "-no-CApath", "-no-CAstore", "-attime", strconv.FormatInt(opts.Now.Unix(), 10)}
	if len(opts.Roots) > 0 {
		args = append(args, "-CAfile", write("roots.pem", opts.Roots))
	} else {
		args = append(args, "-no-CAfile")
	}
	if len(opts.Intermediates) > 0 {
		args = append(args, "-untrusted", write("untrusted.pem", opts.Intermediates))
	}
	switch opts.Purpose {
	case PurposeServer:
		args = append(args, "-purpose", "sslserver")
	case PurposeClient:
		args = append(args, "-purpose", "sslclient")
	}
	if opts.SecurityLevel >= 0 {
		level := opts.SecurityLevel
		if level == 0 {
			level = DefaultSecurityLevel
		}
		args = append(args, "-auth_level", strconv.Itoa(level))
	}
	if len(crls) > 0 {
		var b []byte
		for _, der := range crls {
			b = append(b, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})...)
		}
		p := filepath.Join(dir, "crls.pem")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-crl_check_all", "-CRLfile", p)
	}
	args = append(args, write("leaf.pem", []Input{leaf}))
	out, err := exec.Command("openssl", args...).CombinedOutput()
	run := opensslRun{out: string(out)}
	if m := opensslError.FindStringSubmatch(run.out); m != nil {
		code, _ := strconv.Atoi(m[1])
		run.reason = Reason(code)
		run.depth, _ = strconv.Atoi(m[2])
		if got := strings.TrimSpace(m[3]); got != run.reason.String() {
			t.Errorf("openssl says %q for error %d, pgcert's text is %q", got, code, run.reason.String())
		}
		return run
	}
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	run.ok = true
	return run
}

// in tags a test certificate with a file name made from its CN.
func in(c *testpki.Cert) Input {
	return Input{Cert: c.Cert, File: c.Cert.Subject.CommonName + ".pem"}
}

func ins(cs ...*testpki.Cert) []Input {
	out := make([]Input, len(cs))
	for i, c := range cs {
		out[i] = in(c)
	}
	return out
}

var bigOne = big.NewInt(1)

// randReader is crypto/rand's reader under a name tests can construct inline.
type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return rand.Read(p) }

// opensslOutput runs openssl and returns its output.
func opensslOutput(t *testing.T, args ...string) string {
	t.Helper()
	return string(testenv.OpenSSL(t, args...))
}
