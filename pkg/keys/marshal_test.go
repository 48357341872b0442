package keys

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// writtenKeys returns one key of each type pgcert writes. The RSA key comes from a
// fixture, to spare an RSA key generation.
func writtenKeys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	keys := map[string]crypto.Signer{}
	for name, opts := range map[string]GenerateOptions{
		"ec-p256": {},
		"ec-p384": {Curve: CurveP384},
		"ed25519": {Type: TypeEd25519},
	} {
		k, err := Generate(opts)
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = k
	}
	rsaKey, err := Parse(readFixture(t, "rsa-2048.pkcs8.pem"), nil)
	if err != nil {
		t.Fatal(err)
	}
	keys["rsa-2048"] = rsaKey.Signer
	return keys
}

func publicPEM(t *testing.T, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// testIterations keeps the interop tests fast; TestEncryptDefaultIterations covers the
// default.
const testIterations = 1000

// TestOpenSSLReadsWrittenKeys proves that openssl reads every key type pgcert writes,
// in every format it writes, and finds the same public key; and that pgcert reads
// them back.
func TestOpenSSLReadsWrittenKeys(t *testing.T) {
	testenv.RequireOpenSSL(t)
	const pass = "correct horse"
	for name, key := range writtenKeys(t) {
		wantPub := publicPEM(t, key.Public())
		formats := []struct {
			name    string
			marshal func() ([]byte, error)
			args    []string
			enc     bool
		}{
			{"pkcs8.pem", func() ([]byte, error) { return MarshalPKCS8PEM(key) }, nil, false},
			{"pkcs8.der", func() ([]byte, error) { return MarshalPKCS8DER(key) }, []string{"-inform", "DER"}, false},
			{"pbes2.pem", func() ([]byte, error) {
				return MarshalEncryptedPKCS8PEM(key, []byte(pass), EncryptOptions{Iterations: testIterations})
			}, []string{"-passin", "pass:" + pass}, true},
			{"pbes2.der", func() ([]byte, error) {
				return MarshalEncryptedPKCS8DER(key, []byte(pass), EncryptOptions{Iterations: testIterations})
			}, []string{"-inform", "DER", "-passin", "pass:" + pass}, true},
		}
		for _, f := range formats {
			t.Run(name+"."+f.name, func(t *testing.T) {
				data, err := f.marshal()
				if err != nil {
					t.Fatal(err)
				}
				path := writeTemp(t, "key", data)
				runOpenSSL(t, append([]string{"pkey", "-in", path, "-noout"}, f.args...)...)
				pub := runOpenSSL(t, append([]string{"pkey", "-in", path, "-pubout"}, f.args...)...)
				if !bytes.Equal(pub, wantPub) {
					t.Errorf("openssl found the public key\n%s\nwant\n%s", pub, wantPub)
				}
				if f.enc {
					// openssl refuses a wrong passphrase: the key really is encrypted.
					wrong := append([]string{"pkey", "-in", path, "-noout", "-passin", "pass:wrong"}, f.args[:len(f.args)-2]...)
					if out, err := exec.Command(testenv.RequireOpenSSL(t), wrong...).CombinedOutput(); err == nil {
						t.Errorf("openssl read the key with a wrong passphrase\n%s", out)
					}
				}

				// And pkg/keys reads it back.
				p, calls := countingPass(pass)
				back, err := Parse(data, p)
				if err != nil {
					t.Fatal(err)
				}
				if !PublicKeysEqual(back.Signer.Public(), key.Public()) {
					t.Error("read back a different key")
				}
				if back.Info.Container != ContainerPKCS8 || back.Info.Encrypted != f.enc || *calls != map[bool]int{false: 0, true: 1}[f.enc] {
					t.Errorf("read back as %+v after %d passphrase calls", back.Info, *calls)
				}
			})
		}
	}
}

// TestOpenSSLReadsDERAsPKCS8 proves the DER output is PKCS#8, which the JDBC driver
// needs, and not merely some DER openssl can read.
func TestOpenSSLReadsDERAsPKCS8(t *testing.T) {
	key, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	der, err := MarshalPKCS8DER(key)
	if err != nil {
		t.Fatal(err)
	}
	out := runOpenSSL(t, "pkcs8", "-nocrypt", "-inform", "DER", "-in", writeTemp(t, "key.pk8", der))
	if !bytes.HasPrefix(out, []byte("-----BEGIN PRIVATE KEY-----")) {
		t.Errorf("openssl pkcs8 -nocrypt printed\n%s", out)
	}
}

// TestEncryptDefaultIterations checks the default parameters as openssl sees them.
func TestEncryptDefaultIterations(t *testing.T) {
	key, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const pass = "pässwörd-ü"
	data, err := MarshalEncryptedPKCS8PEM(key, []byte(pass), EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Encryption{Scheme: "PBES2", KDF: "PBKDF2", PRF: "HMAC-SHA256", Cipher: "AES-256-CBC",
		Iterations: DefaultIterations, SaltLength: 16}
	info, err := Inspect(data)
	if err != nil {
		t.Fatal(err)
	}
	if info.Encryption == nil || *info.Encryption != *want {
		t.Errorf("Encryption = %+v, want %+v", info.Encryption, want)
	}
	back, err := Parse(data, func() ([]byte, error) { return []byte(pass), nil })
	if err != nil {
		t.Fatal(err)
	}
	if !PublicKeysEqual(back.Signer.Public(), key.Public()) {
		t.Error("read back a different key")
	}

	path := writeTemp(t, "key.pem", data)
	asn1 := string(runOpenSSL(t, "asn1parse", "-in", path))
	iterHex := fmt.Sprintf("%X", DefaultIterations)
	if len(iterHex)%2 == 1 {
		iterHex = "0" + iterHex // asn1parse prints whole bytes
	}
	for _, s := range []string{
		":PBES2", ":PBKDF2", ":hmacWithSHA256", ":aes-256-cbc",
		"INTEGER           :" + iterHex,
		"OCTET STRING      [HEX DUMP]:", // salt and IV
	} {
		if !strings.Contains(asn1, s) {
			t.Errorf("openssl asn1parse does not show %q:\n%s", s, asn1)
		}
	}
	pub := runOpenSSL(t, "pkey", "-in", path, "-passin", "pass:"+pass, "-pubout")
	if !bytes.Equal(pub, publicPEM(t, key.Public())) {
		t.Errorf("openssl found another public key:\n%s", pub)
	}
}

func TestEncryptUsesRand(t *testing.T) {
	key, err := Generate(GenerateOptions{Rand: seeded(7)})
	if err != nil {
		t.Fatal(err)
	}
	enc := func(seed byte) []byte {
		der, err := MarshalEncryptedPKCS8DER(key, []byte("pass"), EncryptOptions{Iterations: 1, Rand: seeded(seed)})
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	if !bytes.Equal(enc(1), enc(1)) {
		t.Error("the same random stream gave different salts or IVs")
	}
	if bytes.Equal(enc(1), enc(2)) {
		t.Error("different random streams gave the same salt and IV")
	}
	if _, err := MarshalEncryptedPKCS8DER(key, []byte("pass"), EncryptOptions{Rand: bytes.NewReader(make([]byte, 20))}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a short random source: err = %v", err)
	}
}

func TestEncryptRefusesBadOptions(t *testing.T) {
	key, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MarshalEncryptedPKCS8PEM(key, nil, EncryptOptions{}); !errors.Is(err, ErrEmptyPassphrase) {
		t.Errorf("empty passphrase: err = %v", err)
	}
	var oe *OptionError
	if _, err := MarshalEncryptedPKCS8PEM(key, []byte("pass"), EncryptOptions{Iterations: -1}); !errors.As(err, &oe) {
		t.Errorf("negative iterations: err = %v", err)
	}
	var le *LimitError
	if _, err := MarshalEncryptedPKCS8PEM(key, []byte("pass"), EncryptOptions{Iterations: MaxIterations + 1}); !errors.As(err, &le) {
		t.Errorf("iterations over the limit: err = %v", err)
	}
}

func TestMarshalRefusesUnknownKeys(t *testing.T) {
	if _, err := MarshalPKCS8PEM(notAKey{}); err == nil || !strings.HasPrefix(err.Error(), "keys: ") {
		t.Errorf("err = %v", err)
	}
	if _, err := MarshalEncryptedPKCS8PEM(notAKey{}, []byte("pass"), EncryptOptions{}); err == nil {
		t.Error("encrypted an unknown key type")
	}
}

type notAKey struct{ crypto.Signer }

// TestWrittenPEMIsPKCS8 pins the PEM labels other programs look for.
func TestWrittenPEMIsPKCS8(t *testing.T) {
	key, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := MarshalPKCS8PEM(key)
	enc, _ := MarshalEncryptedPKCS8PEM(key, []byte("pass"), EncryptOptions{Iterations: 1})
	for data, label := range map[string]string{string(plain): "PRIVATE KEY", string(enc): "ENCRYPTED PRIVATE KEY"} {
		block, rest := pem.Decode([]byte(data))
		if block == nil || block.Type != label || len(block.Headers) != 0 || len(rest) != 0 {
			t.Errorf("got %q, want one %q block", data, label)
		}
	}
}
