package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
)

// seeded returns a deterministic reader, so that keys drawn from it can be compared.
func seeded(seed byte) io.Reader {
	return rand.NewChaCha8([32]byte{seed})
}

func TestGenerateDefault(t *testing.T) {
	key, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if algo, bits, curve := DescribePublicKey(key.Public()); algo != "ECDSA" || bits != 256 || curve != "P-256" {
		t.Errorf("the zero options gave %s %d %s, want ECDSA P-256", algo, bits, curve)
	}
	checkSigns(t, key)
}

func TestGenerateTypes(t *testing.T) {
	for _, tc := range []struct {
		opts        GenerateOptions
		algo, curve string
		bits        int
	}{
		{GenerateOptions{Type: TypeEC}, "ECDSA", "P-256", 256},
		{GenerateOptions{Type: TypeEC, Curve: CurveP384}, "ECDSA", "P-384", 384},
		{GenerateOptions{Type: TypeEd25519}, "Ed25519", "", 256},
		{GenerateOptions{Type: TypeEC, Curve: CurveP256, Rand: seeded(1)}, "ECDSA", "P-256", 256},
		{GenerateOptions{Type: TypeEd25519, Rand: seeded(1)}, "Ed25519", "", 256},
	} {
		key, err := Generate(tc.opts)
		if err != nil {
			t.Fatalf("%+v: %v", tc.opts, err)
		}
		if algo, bits, curve := DescribePublicKey(key.Public()); algo != tc.algo || bits != tc.bits || curve != tc.curve {
			t.Errorf("%+v: got %s %d %q, want %s %d %q", tc.opts, algo, bits, curve, tc.algo, tc.bits, tc.curve)
		}
		checkSigns(t, key)
	}
}

// TestGenerateRSA makes the one RSA key of these tests, at the default size.
func TestGenerateRSA(t *testing.T) {
	key, err := Generate(GenerateOptions{Type: TypeRSA})
	if err != nil {
		t.Fatal(err)
	}
	k, ok := key.(*rsa.PrivateKey)
	if !ok || k.N.BitLen() != DefaultRSABits {
		t.Fatalf("got %T, want a %d-bit RSA key", key, DefaultRSABits)
	}
	checkSigns(t, key)
}

func checkSigns(t *testing.T, key crypto.Signer) {
	t.Helper()
	msg := []byte("pgcert")
	digest := sha256.Sum256(msg)
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		sig, err := k.Sign(nil, digest[:], crypto.SHA256)
		if err != nil || !ecdsa.VerifyASN1(&k.PublicKey, digest[:], sig) {
			t.Errorf("ECDSA signature does not verify: %v", err)
		}
	case ed25519.PrivateKey:
		sig, err := k.Sign(nil, msg, crypto.Hash(0))
		if err != nil || !ed25519.Verify(k.Public().(ed25519.PublicKey), msg, sig) {
			t.Errorf("Ed25519 signature does not verify: %v", err)
		}
	case *rsa.PrivateKey:
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:])
		if err != nil || rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, digest[:], sig) != nil {
			t.Errorf("RSA signature does not verify: %v", err)
		}
	default:
		t.Errorf("unexpected key type %T", key)
	}
}

func TestGenerateUsesRand(t *testing.T) {
	for _, opts := range []GenerateOptions{
		{Type: TypeEC},
		{Type: TypeEC, Curve: CurveP384},
		{Type: TypeEd25519},
	} {
		gen := func(seed byte) crypto.PublicKey {
			o := opts
			o.Rand = seeded(seed)
			k, err := Generate(o)
			if err != nil {
				t.Fatal(err)
			}
			return k.Public()
		}
		if !PublicKeysEqual(gen(1), gen(1)) {
			t.Errorf("%+v: the same random stream gave different keys", opts)
		}
		if PublicKeysEqual(gen(1), gen(2)) {
			t.Errorf("%+v: different random streams gave the same key", opts)
		}
	}
}

func TestGenerateBrokenRand(t *testing.T) {
	errRead := errors.New("entropy source gone")
	for _, tc := range []struct {
		opts GenerateOptions
		is   error
	}{
		{GenerateOptions{Rand: bytes.NewReader(nil)}, io.EOF},
		{GenerateOptions{Rand: errReader{errRead}}, errRead},
		{GenerateOptions{Type: TypeEd25519, Rand: bytes.NewReader(make([]byte, 10))}, io.ErrUnexpectedEOF},
	} {
		if _, err := Generate(tc.opts); !errors.Is(err, tc.is) {
			t.Errorf("%+v: err = %v, want %v", tc.opts, err, tc.is)
		}
	}
	// All zeros is never a valid scalar: refused rather than looping forever.
	if _, err := Generate(GenerateOptions{Rand: zeros{}}); err == nil {
		t.Error("an all-zero random source made a key")
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestGenerateRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts GenerateOptions
		want string
	}{
		{GenerateOptions{Type: "dsa"}, `keys: invalid key type "dsa" (valid: ec, rsa, ed25519, rsa-pss)`},
		{GenerateOptions{Curve: "P-521"}, `keys: invalid curve "P-521" (valid: P-256, P-384)`},
		{GenerateOptions{Bits: 2048}, `keys: invalid key size "2048": only RSA keys take a size`},
		{GenerateOptions{Type: TypeRSA, Curve: CurveP256}, `keys: invalid curve "P-256": only EC keys take a curve`},
		{GenerateOptions{Type: TypeEd25519, Curve: CurveP256}, `keys: invalid curve "P-256": only EC keys take a curve`},
		{GenerateOptions{Type: TypeEd25519, Bits: 256}, `keys: invalid key size "256": only RSA keys take a size`},
	} {
		_, err := Generate(tc.opts)
		var oe *OptionError
		if !errors.As(err, &oe) || err.Error() != tc.want {
			t.Errorf("%+v: err = %v, want an OptionError %q", tc.opts, err, tc.want)
		}
	}
}

func TestGenerateRSASizes(t *testing.T) {
	for _, tc := range []struct {
		bits int
		weak bool
		want string
	}{
		{1024, true, "keys: RSA key size 1024 is too small (minimum 2048 bits)"},
		{2047, true, "keys: RSA key size 2047 is too small (minimum 2048 bits)"},
		{-1, true, "keys: RSA key size -1 is too small (minimum 2048 bits)"},
		{2560, false, "keys: RSA key size 2560 is not supported (valid: 2048, 3072, 4096)"},
		{8192, false, "keys: RSA key size 8192 is not supported (valid: 2048, 3072, 4096)"},
	} {
		_, err := Generate(GenerateOptions{Type: TypeRSA, Bits: tc.bits})
		var ke *KeySizeError
		if !errors.As(err, &ke) || ke.Bits != tc.bits || ke.Weak() != tc.weak || err.Error() != tc.want {
			t.Errorf("%d bits: err = %v, want a KeySizeError %q", tc.bits, err, tc.want)
		}
	}
	for _, bits := range []int{2048, 3072, 4096} {
		if !validRSASize(bits) {
			t.Errorf("%d bits refused", bits)
		}
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]Type{
		"ec": TypeEC, "EC": TypeEC, "ecdsa": TypeEC, " rsa ": TypeRSA, "RSA": TypeRSA,
		"ed25519": TypeEd25519, "Ed25519": TypeEd25519,
	} {
		if got, err := ParseType(in); err != nil || got != want {
			t.Errorf("ParseType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "dsa", "ed448", "rsa2048"} {
		var oe *OptionError
		if _, err := ParseType(in); !errors.As(err, &oe) || !slices.Equal(oe.Valid, Types()) {
			t.Errorf("ParseType(%q): err = %v, want an OptionError listing the types", in, err)
		}
	}
}

func TestParseCurve(t *testing.T) {
	for in, want := range map[string]Curve{
		"P-256": CurveP256, "p256": CurveP256, "prime256v1": CurveP256, "secp256r1": CurveP256,
		"P-384": CurveP384, "p-384": CurveP384, "secp384r1": CurveP384, "P384": CurveP384,
	} {
		if got, err := ParseCurve(in); err != nil || got != want {
			t.Errorf("ParseCurve(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P-521", "secp256k1", "prime384v1"} {
		var oe *OptionError
		if _, err := ParseCurve(in); !errors.As(err, &oe) || !slices.Equal(oe.Valid, Curves()) {
			t.Errorf("ParseCurve(%q): err = %v, want an OptionError listing the curves", in, err)
		}
	}
}
