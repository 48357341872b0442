package keys

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"
)

// TestPKCS12ReadsWhatItWrites: a PKCS#12 file MarshalPKCS12 writes, modern (100,000
// iterations) and legacy, is read back by ParsePKCS12 with its key and certificates:
// the iteration counts in its visible parameters are read as the numbers they are,
// not as too many; a limit below them still refuses the file before any key is derived.
func TestPKCS12ReadsWhatItWrites(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: new(big.Int).Lsh(big.NewInt(1), 158), Subject: pkix.Name{CommonName: "alice"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pass := func() ([]byte, error) { return []byte("secret"), nil }
	for _, legacy := range []bool{false, true} {
		data, err := MarshalPKCS12(key, cert, []*x509.Certificate{cert}, "secret", legacy, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParsePKCS12(data, pass)
		if err != nil {
			t.Fatalf("legacy %v: %v", legacy, err)
		}
		if !PublicKeysEqual(p.Key.Signer.Public(), key.Public()) || !p.Cert.Equal(cert) || len(p.CACerts) != 1 {
			t.Errorf("legacy %v: read back another key or certificates", legacy)
		}
		if n := maxIterationsIn(data, 4); n == 0 || n > uint64(DefaultIterations) {
			t.Errorf("legacy %v: largest iteration count %d, want at most %d", legacy, n, DefaultIterations)
		}
	}
	data, err := MarshalPKCS12(key, cert, nil, "secret", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if _, err := parsePKCS12(data, pass, limits{iterations: DefaultIterations - 1}); !errors.As(err, &le) {
		t.Errorf("a limit below the file's iterations: %v, want a LimitError", err)
	}
}

func TestIntegerContents(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want uint64
	}{
		{[]byte{0x08, 0x00}, 2048},
		{[]byte{0x01, 0x86, 0xa0}, 100000},
		{[]byte{0x00, 0x80}, 128},
		{[]byte{0x80}, ^uint64(0)},
		{[]byte{0x01, 0, 0, 0, 0, 0, 0, 0, 0}, ^uint64(0)},
		{nil, 0},
	} {
		if got := integerContents(c.in); got != c.want {
			t.Errorf("integerContents(% x) = %d, want %d", c.in, got, c.want)
		}
	}
}
