package lintcert

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
}

func TestRegistryExcludesCABForum(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(reg.Names()); n < 100 {
		t.Fatalf("only %d lints selected", n)
	}
	for _, name := range reg.Names() {
		if strings.HasPrefix(name, "e_cab_") || strings.HasPrefix(name, "w_cab_") {
			t.Fatalf("%s is a CA/Browser Forum lint", name)
		}
	}
}

// TestCertificateReportsProblems lints a certificate with a known RFC 5280
// violation (a CA without keyCertSign) and one without.
func TestCertificateReportsProblems(t *testing.T) {
	bad := testpki.Make(t, testpki.Template{CN: "Bad CA", IsCA: true, KeyUsage: x509.KeyUsageDigitalSignature}, nil)
	r := &recorder{TB: t}
	Certificate(r, "bad", bad.Cert.Raw)
	if len(r.errors) == 0 {
		t.Error("a CA certificate without keyCertSign passed zlint")
	}
}
