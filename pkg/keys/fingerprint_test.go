package keys

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var fingerprintFormat = regexp.MustCompile(`^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$`)

// TestFingerprintMatchesOpenSSL compares the fingerprint with the SHA-256 openssl
// computes over the public key it extracts itself.
func TestFingerprintMatchesOpenSSL(t *testing.T) {
	for _, base := range []string{"ec-p256", "ec-p384", "ec-p521", "rsa-2048", "ed25519"} {
		t.Run(base, func(t *testing.T) {
			key, err := Parse(readFixture(t, base+".pkcs8.pem"), nil)
			if err != nil {
				t.Fatal(err)
			}
			fp := mustFingerprint(t, key.Signer.Public())
			if !fingerprintFormat.MatchString(fp) {
				t.Errorf("fingerprint %q is not SHA256: and 32 colon-separated upper-case bytes", fp)
			}
			der := filepath.Join(t.TempDir(), "pub.der")
			runOpenSSL(t, "pkey", "-in", filepath.Join("testdata", base+".pkcs8.pem"), "-pubout", "-outform", "DER", "-out", der)
			out := strings.TrimSpace(string(runOpenSSL(t, "dgst", "-sha256", "-c", der)))
			_, hex, ok := strings.Cut(out, "= ")
			if !ok {
				t.Fatalf("openssl dgst printed %q", out)
			}
			if want := "SHA256:" + strings.ToUpper(hex); fp != want {
				t.Errorf("fingerprint %s, openssl says %s", fp, want)
			}
			if key.Info.Fingerprint != fp {
				t.Errorf("Info.Fingerprint %s, want %s", key.Info.Fingerprint, fp)
			}
			spki, err := os.ReadFile(der)
			if err != nil {
				t.Fatal(err)
			}
			if got := SPKIFingerprint(spki); got != fp {
				t.Errorf("SPKIFingerprint of openssl's DER public key %s, want %s", got, fp)
			}
		})
	}
}

func TestFingerprintUnknownKey(t *testing.T) {
	if _, err := PublicKeyFingerprint(struct{}{}); err == nil || !strings.HasPrefix(err.Error(), "keys: ") {
		t.Errorf("err = %v", err)
	}
}

func TestPublicKeysEqual(t *testing.T) {
	pub := func(file string) any {
		k, err := Parse(readFixture(t, file), func() ([]byte, error) { return []byte(fixturePass), nil })
		if err != nil {
			t.Fatal(err)
		}
		return k.Signer.Public()
	}
	block, _ := pem.Decode(readFixture(t, "cert.pem"))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a, b any
		want bool
	}{
		{"same key, PKCS#8 and SEC1", pub("ec-p256.pkcs8.pem"), pub("ec-p256.sec1.der"), true},
		{"same key, encrypted and not", pub("rsa-2048.legacy-aes256.pem"), pub("rsa-2048.pkcs8.der"), true},
		{"same Ed25519 key", pub("ed25519.pkcs8.pem"), pub("ed25519.pbes2-aes256.pem"), true},
		{"key and its certificate", pub("ec-p256.pkcs8.pem"), cert.PublicKey, true},
		{"key and openssl's public key", pub("ec-p384.pkcs8.pem"), fixturePublicKey(t, "ec-p384"), true},
		{"different keys of one curve", pub("ec-p256.pkcs8.pem"), pub("req-newkey.pkcs8.pem"), false},
		{"different curves", pub("ec-p256.pkcs8.pem"), pub("ec-p384.pkcs8.pem"), false},
		{"different types", pub("ec-p256.pkcs8.pem"), pub("ed25519.pkcs8.pem"), false},
		{"RSA and ECDSA", pub("rsa-2048.pkcs1.pem"), pub("ec-p256.pkcs8.pem"), false},
		{"nil first", nil, pub("ec-p256.pkcs8.pem"), false},
		{"nil second", pub("ec-p256.pkcs8.pem"), nil, false},
		{"both nil", nil, nil, false},
		{"no Equal method", struct{}{}, struct{}{}, false},
		{"X25519 and Ed25519", x.PublicKey(), pub("ed25519.pkcs8.pem"), false},
	} {
		if got := PublicKeysEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDescribePublicKey(t *testing.T) {
	for _, tc := range []struct {
		base, algo, curve string
		bits              int
	}{
		{"ec-p256", "ECDSA", "P-256", 256},
		{"ec-p384", "ECDSA", "P-384", 384},
		{"ec-p521", "ECDSA", "P-521", 521},
		{"rsa-2048", "RSA", "", 2048},
		{"ed25519", "Ed25519", "", 256},
	} {
		algo, bits, curve := DescribePublicKey(fixturePublicKey(t, tc.base))
		if algo != tc.algo || bits != tc.bits || curve != tc.curve {
			t.Errorf("%s: got %s %d %q, want %s %d %q", tc.base, algo, bits, curve, tc.algo, tc.bits, tc.curve)
		}
	}
	if algo, bits, curve := DescribePublicKey(struct{}{}); algo != "" || bits != 0 || curve != "" {
		t.Errorf("unknown key: got %q %d %q", algo, bits, curve)
	}
}
