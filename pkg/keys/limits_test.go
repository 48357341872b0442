package keys

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// encryptedKeyInfo builds an EncryptedPrivateKeyInfo with the given scheme and
// parameters and a ciphertext of two AES blocks, as a hostile file could.
func encryptedKeyInfo(t *testing.T, scheme asn1.ObjectIdentifier, params func(*cryptobyte.Builder)) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(scheme)
			params(b)
		})
		b.AddASN1OctetString(make([]byte, 32))
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// pbes2 builds PBES2 parameters with AES-256-CBC and the given KDF.
func pbes2(kdf asn1.ObjectIdentifier, kdfParams func(*cryptobyte.Builder)) func(*cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(kdf)
				b.AddASN1(cbasn1.SEQUENCE, kdfParams)
			})
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidAES256CBC)
				b.AddASN1OctetString(make([]byte, 16))
			})
		})
	}
}

func pbkdf2With(iterations *big.Int) func(*cryptobyte.Builder) {
	return pbes2(oidPBKDF2, func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(make([]byte, 8))
		b.AddASN1BigInt(iterations)
	})
}

func scryptWith(n, r, p int64) func(*cryptobyte.Builder) {
	return pbes2(oidScrypt, func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(make([]byte, 8))
		b.AddASN1Int64(n)
		b.AddASN1Int64(r)
		b.AddASN1Int64(p)
	})
}

func pkcs12With(iterations int64) func(*cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1OctetString(make([]byte, 8))
			b.AddASN1Int64(iterations)
		})
	}
}

var oidPBEWithSHA1And3DES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}

// TestParseRefusesCostlyKDFs proves that parameters asking for hours of work or
// gigabytes of memory are refused, before the passphrase is asked for, while
// Inspect still describes them.
func TestParseRefusesCostlyKDFs(t *testing.T) {
	huge := new(big.Int).Lsh(big.NewInt(1), 100)
	for _, tc := range []struct {
		name   string
		der    []byte
		what   string
		value  uint64
		limit  uint64
		inspec Encryption
	}{
		{"PBKDF2 2^31-1 iterations", encryptedKeyInfo(t, oidPBES2, pbkdf2With(big.NewInt(math.MaxInt32))),
			"KDF iteration count", math.MaxInt32, MaxIterations,
			Encryption{Scheme: "PBES2", KDF: "PBKDF2", PRF: "HMAC-SHA1", Cipher: "AES-256-CBC", Iterations: math.MaxInt32, SaltLength: 8}},
		{"PBKDF2 2^100 iterations", encryptedKeyInfo(t, oidPBES2, pbkdf2With(huge)),
			"KDF iteration count", math.MaxUint64, MaxIterations,
			Encryption{Scheme: "PBES2", KDF: "PBKDF2", PRF: "HMAC-SHA1", Cipher: "AES-256-CBC", Iterations: math.MaxUint64, SaltLength: 8}},
		{"PKCS#12 KDF 2^40 iterations", encryptedKeyInfo(t, oidPBEWithSHA1And3DES, pkcs12With(1<<40)),
			"KDF iteration count", 1 << 40, MaxIterations,
			Encryption{Scheme: "PBES1", KDF: "PKCS#12 KDF", PRF: "SHA-1", Cipher: "DES-EDE3-CBC", Iterations: 1 << 40, SaltLength: 8}},
		{"scrypt 1 GiB", encryptedKeyInfo(t, oidPBES2, scryptWith(1<<20, 8, 1)),
			"scrypt memory", 128*8*(1<<20+2) + 128*8, MaxScryptMemory,
			Encryption{Scheme: "PBES2", KDF: "scrypt", Cipher: "AES-256-CBC", ScryptN: 1 << 20, ScryptR: 8, ScryptP: 1, SaltLength: 8}},
		{"scrypt N=2^62", encryptedKeyInfo(t, oidPBES2, scryptWith(1<<62, 1<<40, 1)),
			"scrypt memory", math.MaxUint64, MaxScryptMemory,
			Encryption{Scheme: "PBES2", KDF: "scrypt", Cipher: "AES-256-CBC", ScryptN: 1 << 62, ScryptR: 1 << 40, ScryptP: 1, SaltLength: 8}},
		{"scrypt p=64", encryptedKeyInfo(t, oidPBES2, scryptWith(1<<14, 8, 64)),
			"scrypt cost N·r·p", 1 << 23, MaxScryptCost,
			Encryption{Scheme: "PBES2", KDF: "scrypt", Cipher: "AES-256-CBC", ScryptN: 1 << 14, ScryptR: 8, ScryptP: 64, SaltLength: 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.der, failOnCall(t))
			var le *LimitError
			if !errors.As(err, &le) || le.What != tc.what || le.Value != tc.value || le.Limit != tc.limit {
				t.Fatalf("err = %v, want a LimitError on the %s (%d > %d)", err, tc.what, tc.value, tc.limit)
			}
			info, err := Inspect(tc.der)
			if err != nil {
				t.Fatal(err)
			}
			if info.Encryption == nil || *info.Encryption != tc.inspec {
				t.Errorf("Inspect: %+v, want %+v", info.Encryption, tc.inspec)
			}
		})
	}
}

func TestParseRefusesMalformedKDFs(t *testing.T) {
	for name, der := range map[string][]byte{
		"zero iterations":       encryptedKeyInfo(t, oidPBES2, pbkdf2With(big.NewInt(0))),
		"negative iterations":   encryptedKeyInfo(t, oidPBES2, pbkdf2With(big.NewInt(-5))),
		"scrypt N=3":            encryptedKeyInfo(t, oidPBES2, scryptWith(3, 8, 1)),
		"scrypt N=1":            encryptedKeyInfo(t, oidPBES2, scryptWith(1, 8, 1)),
		"scrypt r=0":            encryptedKeyInfo(t, oidPBES2, scryptWith(1024, 0, 1)),
		"PKCS#12 0 iterations":  encryptedKeyInfo(t, oidPBEWithSHA1And3DES, pkcs12With(0)),
		"unknown scheme":        encryptedKeyInfo(t, asn1.ObjectIdentifier{1, 2, 3}, pkcs12With(1)),
		"unknown KDF":           encryptedKeyInfo(t, oidPBES2, pbes2(asn1.ObjectIdentifier{1, 2, 3}, func(*cryptobyte.Builder) {})),
		"PBKDF2 without salt":   encryptedKeyInfo(t, oidPBES2, pbes2(oidPBKDF2, func(b *cryptobyte.Builder) { b.AddASN1Int64(1) })),
		"PBES2 without params":  encryptedKeyInfo(t, oidPBES2, func(*cryptobyte.Builder) {}),
		"PBKDF2 wrong key size": encryptedKeyInfo(t, oidPBES2, pbes2(oidPBKDF2, func(b *cryptobyte.Builder) { b.AddASN1OctetString([]byte{1}); b.AddASN1Int64(1); b.AddASN1Int64(16) })),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(der, failOnCall(t))
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Found != "an encrypted PKCS#8 private key (DER)" {
				t.Errorf("err = %v, want a FormatError about the encrypted key", err)
			}
		})
	}
}

// TestScryptMemoryLimitMatchesOpenSSL checks MaxScryptMemory and the scrypt parameter
// rules against openssl's: openssl writes a key exactly when pgcert would go on to ask
// for its passphrase.
func TestScryptMemoryLimitMatchesOpenSSL(t *testing.T) {
	openssl := testenv.RequireOpenSSL(t)
	src := filepath.Join("testdata", "ec-p256.pkcs8.pem")
	for _, p := range []struct{ n, r uint64 }{
		{1 << 15, 4}, {1 << 15, 8}, {1 << 16, 2}, {1 << 16, 4}, {1 << 17, 1}, {1 << 17, 2}, {1 << 14, 16},
		{1 << 15, 1}, {1 << 16, 1}, {1 << 4, 1},
	} {
		out := filepath.Join(t.TempDir(), "key.pem")
		err := exec.Command(openssl, "pkcs8", "-topk8", "-scrypt", "-in", src, "-passout", "pass:x", "-out", out,
			"-scrypt_N", fmt.Sprint(p.n), "-scrypt_r", fmt.Sprint(p.r), "-scrypt_p", "1").Run()
		opensslOK := err == nil
		der := encryptedKeyInfo(t, oidPBES2, scryptWith(int64(p.n), int64(p.r), 1))
		_, err = parse(der, func() ([]byte, error) { return nil, errPassAsked }, defaultLimits)
		ours := errors.Is(err, errPassAsked)
		if opensslOK != ours {
			t.Errorf("N=%d r=%d: openssl writes it: %v, pgcert reads it: %v", p.n, p.r, opensslOK, ours)
		}
	}
}

var errPassAsked = errors.New("passphrase asked for")

func TestKDFCostBoundaries(t *testing.T) {
	for _, tc := range []struct {
		cost kdfCost
		ok   bool
	}{
		{kdfCost{iterations: MaxIterations}, true},
		{kdfCost{iterations: MaxIterations + 1}, false},
		{kdfCost{scryptN: 1 << 14, scryptR: 8, scryptP: 1}, true}, // openssl's default
		{kdfCost{scryptN: 1 << 14, scryptR: 8, scryptP: 32}, true},
		{kdfCost{scryptN: 1 << 14, scryptR: 8, scryptP: 33}, false},
		{kdfCost{scryptN: 2, scryptR: 1, scryptP: math.MaxUint64}, false},
		{kdfCost{scryptN: 2, scryptR: math.MaxUint64, scryptP: 1}, false},
	} {
		if err := tc.cost.check(defaultLimits); (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v, want ok=%v", tc.cost, err, tc.ok)
		}
	}
}
