package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// KeyKind names a key type that what pgcert builds, prints or signs must handle
// alike.
type KeyKind string

// The key types pgcert's certificates are tested with.
const (
	P256    KeyKind = "P-256"
	P384    KeyKind = "P-384"
	Ed25519 KeyKind = "Ed25519"
	RSA2048 KeyKind = "RSA-2048"
)

// KeyKinds are all the KeyKinds, for tables that run through each.
var KeyKinds = []KeyKind{P256, P384, Ed25519, RSA2048}

// rsaKey is generated once: RSA key generation takes up to a second, and the tests
// that use RSA need only one key.
var rsaKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// RSAKey returns the test process's one RSA-2048 key, made on first use.
func RSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsaKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// KeyOf returns a fresh key of kind, except for RSA2048: every call returns
// RSAKey, since a fresh one would cost a second each.
func KeyOf(t testing.TB, kind KeyKind) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch kind {
	case P256:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case P384:
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case Ed25519:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case RSA2048:
		k = RSAKey(t)
	default:
		t.Fatalf("unknown key kind %q", kind)
	}
	if err != nil {
		t.Fatalf("a %s key: %v", kind, err)
	}
	return k
}

// ParseCert parses a DER certificate, failing the test on error.
func ParseCert(t testing.TB, der []byte) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// WritePEM writes der as one PEM block of type typ to name in a fresh temporary
// directory of the test, mode 0644, and returns its path.
func WritePEM(t testing.TB, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ParseCRL parses the first PEM block of data as a CRL, failing the test on error.
func ParseCRL(t testing.TB, data []byte) *x509.RevocationList {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("no PEM block")
	}
	l, err := x509.ParseRevocationList(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
