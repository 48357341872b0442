package selfsign

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
)

// testNow is the fixed "now" of every certificate the tests make.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Extensions whose criticality the tests check.
var (
	oidExtKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
)

func mustSubject(t testing.TB, s string) pkix.RDNSequence {
	t.Helper()
	rdns, err := ParseSubject(s)
	if err != nil {
		t.Fatal(err)
	}
	return rdns
}

func mustSANs(t testing.TB, s string) SANs {
	t.Helper()
	sans, err := ParseSANs(s)
	if err != nil {
		t.Fatal(err)
	}
	return sans
}

// issued is a certificate with its key.
type issued struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// build makes a certificate of spec for a fresh key of kind, issued by
// parent (nil: self-signed), failing the test on error.
func build(t testing.TB, spec Spec, kind testpki.KeyKind, parent *issued) *issued {
	t.Helper()
	key := testpki.KeyOf(t, kind)
	var issuer *x509.Certificate
	signer := key
	if parent != nil {
		issuer, signer = parent.cert, parent.key
	}
	if spec.Now.IsZero() && spec.NotBefore.IsZero() {
		spec.Now = testNow
	}
	der, err := Build(spec, issuer, signer, key.Public())
	if err != nil {
		t.Fatalf("Build(%v, %s): %v", spec.Profile, kind, err)
	}
	return &issued{cert: testpki.ParseCert(t, der), key: key}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixtureKey(t testing.TB, name string) crypto.Signer {
	t.Helper()
	block, _ := pem.Decode(readFixture(t, name))
	if block == nil {
		t.Fatalf("%s: no PEM block", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(crypto.Signer)
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// writePEMKey writes a fresh P-256 key as PKCS#8 PEM into dir.
func writePEMKey(t testing.TB, dir string) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(testpki.KeyOf(t, testpki.P256))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, pemBlock("PRIVATE KEY", der), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeMinimalConfig writes an openssl configuration with nothing but what
// openssl req needs, so that the system's openssl.cnf does not change the
// output.
func writeMinimalConfig(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "openssl.cnf")
	if err := os.WriteFile(path, []byte("[req]\ndistinguished_name = dn\n[dn]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ee returns the standard error an *exec.ExitError carries.
func ee(err error) string {
	var x *exec.ExitError
	if errors.As(err, &x) {
		return string(x.Stderr)
	}
	return ""
}

func certSANs(c *x509.Certificate) SANs {
	return SANs{DNS: c.DNSNames, IP: c.IPAddresses, Email: c.EmailAddresses, URI: c.URIs}
}
