package keys

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
)

func TestRSAPSSRoundTrip(t *testing.T) {
	k, err := GenerateRSAPSS(0)
	if err != nil {
		t.Fatal(err)
	}
	if k.Key.N.BitLen() != DefaultRSABits {
		t.Errorf("%d bits", k.Key.N.BitLen())
	}
	for _, data := range [][]byte{MarshalRSAPSSPKCS8DER(k), MarshalRSAPSSPKCS8PEM(k)} {
		back, err := ParseRSAPSS(data)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Key.Equal(k.Key) {
			t.Error("another key read back")
		}
	}
	// Parse reads RSA-PSS keys for the ordinary commands, as the RSA-PSS key.
	if p, err := Parse(MarshalRSAPSSPKCS8PEM(k), nil); err != nil || p.Info.Algorithm != "RSA-PSS" {
		t.Errorf("Parse of an RSA-PSS key: %v", err)
	} else if pk, ok := p.Signer.(*RSAPSSKey); !ok || !pk.Key.Equal(k.Key) {
		t.Errorf("Parse gave %T, not the RSA-PSS key", p.Signer)
	}
	digest := sha256.Sum256([]byte("message"))
	sig, err := k.Sign(nil, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPSS(&k.Key.PublicKey, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
		t.Errorf("not a PSS signature with a hash-length salt: %v", err)
	}
	if _, err := GenerateRSAPSS(1024); err == nil {
		t.Error("a 1024-bit key was made")
	}
}

func TestParseRSAPSSRefusesOtherKeys(t *testing.T) {
	for _, name := range []string{"rsa-pss.pkcs8.pem"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseRSAPSS(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	ec, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pemData, err := MarshalPKCS8PEM(ec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseRSAPSS(pemData); err == nil {
		t.Error("an ECDSA key was read as RSA-PSS")
	}
}

// TestRSAPSSOpenSSL checks both ways against openssl: it reads the key and the
// public key pgcert writes, and pgcert reads what `openssl genpkey -algorithm
// RSA-PSS` makes.
func TestRSAPSSOpenSSL(t *testing.T) {
	openssl := testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	k, err := GenerateRSAPSS(2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "pss.key")
	if err := os.WriteFile(keyFile, MarshalRSAPSSPKCS8PEM(k), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(openssl, "pkey", "-in", keyFile, "-pubout", "-outform", "DER").Output()
	if err != nil {
		t.Fatalf("openssl pkey: %v", err)
	}
	if !bytes.Equal(out, MarshalRSAPSSPublicKey(&k.Key.PublicKey)) {
		t.Error("openssl derives another SubjectPublicKeyInfo")
	}
	genFile := filepath.Join(dir, "gen.key")
	if out, err := exec.Command(openssl, "genpkey", "-algorithm", "RSA-PSS", "-out", genFile).CombinedOutput(); err != nil {
		t.Fatalf("openssl genpkey: %v\n%s", err, out)
	}
	data, err := os.ReadFile(genFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseRSAPSS(data); err != nil {
		t.Errorf("openssl's key: %v", err)
	}
}

func TestLegacyEncryptedPEM(t *testing.T) {
	ec, err := Generate(GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bits := range []int{128, 192, 256} {
		data, err := MarshalLegacyEncryptedPEM(ec, []byte("secret"), bits, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("Proc-Type: 4,ENCRYPTED")) {
			t.Errorf("%d: no Proc-Type header", bits)
		}
		k, err := Parse(data, func() ([]byte, error) { return []byte("secret"), nil })
		if err != nil {
			t.Fatalf("%d: %v", bits, err)
		}
		if !PublicKeysEqual(k.Signer.Public(), ec.Public()) || k.Info.Encryption == nil {
			t.Errorf("%d: read back another or an unencrypted key", bits)
		}
		if _, err := Parse(data, func() ([]byte, error) { return []byte("wrong"), nil }); err == nil {
			t.Errorf("%d: a wrong passphrase was accepted", bits)
		}
	}
	if _, err := MarshalLegacyEncryptedPEM(ec, []byte("secret"), 64, nil); err == nil {
		t.Error("AES-64 accepted")
	}
	if _, err := MarshalLegacyEncryptedPEM(ec, nil, 128, nil); err != ErrEmptyPassphrase {
		t.Errorf("empty passphrase: %v", err)
	}
	if openssl, err := exec.LookPath("openssl"); err == nil {
		data, err := MarshalLegacyEncryptedPEM(ec, []byte("secret"), 128, nil)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "k.pem")
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(openssl, "pkey", "-noout", "-in", f, "-passin", "pass:secret").CombinedOutput(); err != nil {
			t.Errorf("openssl pkey: %v\n%s", err, out)
		}
	}
}

// TestParseRSAPSSFixture: Parse reads the key `openssl genpkey -algorithm
// RSA-PSS` made as an RSA-PSS key, and writing it again (strip, encrypt) keeps
// it one: openssl reads the output as RSA-PSS.
func TestParseRSAPSSFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "rsa-pss.pkcs8.pem"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := Parse(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Signer.(*RSAPSSKey); !ok || k.Info.Algorithm != "RSA-PSS" || k.Info.Bits != 2048 || k.Info.Container != "PKCS#8" {
		t.Fatalf("%T %+v", k.Signer, k.Info)
	}
	out, err := MarshalPKCS8PEM(k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		back, err := ParseRSAPSS(out)
		if err != nil || !back.Key.Equal(k.Signer.(*RSAPSSKey).Key) {
			t.Errorf("written again: %v", err)
		}
	}
	testenv.RequireOpenSSL(t)
	file := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	text := testenv.OpenSSL(t, "pkey", "-in", file, "-noout", "-text")
	if !bytes.Contains(text, []byte("PSS parameter")) {
		t.Errorf("openssl does not read the key written again as RSA-PSS:\n%s", text)
	}
}

// TestRSAPSSPublicKey: Generate makes RSA-PSS keys, whose public half is written
// and read back as id-RSASSA-PSS, equals the *rsa.PublicKey a certificate
// carries after ParseCertificate, and is described as RSA-PSS.
func TestRSAPSSPublicKey(t *testing.T) {
	if typ, err := ParseType("RSA-PSS"); err != nil || typ != TypeRSAPSS {
		t.Fatalf("ParseType: %v %v", typ, err)
	}
	s, err := Generate(GenerateOptions{Type: TypeRSAPSS, Bits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	k, ok := s.(*RSAPSSKey)
	if !ok {
		t.Fatalf("Generate made a %T", s)
	}
	pub, ok := k.Public().(*RSAPSSPublicKey)
	if !ok {
		t.Fatalf("Public is a %T", k.Public())
	}
	spki, err := MarshalPublicKey(pub)
	if err != nil || !IsRSAPSSPublicKeyInfo(spki) || !bytes.Equal(spki, MarshalRSAPSSPublicKey(&k.Key.PublicKey)) {
		t.Fatalf("MarshalPublicKey: %v", err)
	}
	back, err := ParsePublicKey(spki)
	if err != nil || !PublicKeysEqual(back, pub) {
		t.Errorf("ParsePublicKey: %T %v", back, err)
	}
	if !PublicKeysEqual(pub, &k.Key.PublicKey) || !PublicKeysEqual(&k.Key.PublicKey, pub) {
		t.Error("the RSA-PSS key differs from its own RSA key")
	}
	other, err := GenerateRSAPSS(2048)
	if err != nil {
		t.Fatal(err)
	}
	if PublicKeysEqual(pub, other.Public()) || PublicKeysEqual(&other.Key.PublicKey, pub) {
		t.Error("two RSA-PSS keys are equal")
	}
	if alg, bits, _ := DescribePublicKey(pub); alg != "RSA-PSS" || bits != 2048 {
		t.Errorf("DescribePublicKey: %s %d", alg, bits)
	}
	fp, err := PublicKeyFingerprint(pub)
	if err != nil || fp != SPKIFingerprint(spki) {
		t.Errorf("fingerprint %s: %v", fp, err)
	}
	if _, err := Generate(GenerateOptions{Type: TypeRSAPSS, Bits: 1024}); err == nil {
		t.Error("a 1024-bit RSA-PSS key was made")
	}
}

// TestCertificateHasKey: an RSA-PSS key pairs with its id-RSASSA-PSS certificate
// (openssl's, testdata of pkg/selfsign) and not with an rsaEncryption certificate
// of the same modulus, as OpenSSL refuses that pair; the plain RSA key is the
// other way round. CertificatePublicKey gives the RSA-PSS key back.
func TestCertificateHasKey(t *testing.T) {
	keyPEM, err := os.ReadFile("../selfsign/testdata/rsa-pss.key")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseRSAPSS(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	crtPEM, err := os.ReadFile("../selfsign/testdata/rsa-pss.crt")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(crtPEM)
	pssCert, err := ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.Key.PublicKey, k.Key)
	if err != nil {
		t.Fatal(err)
	}
	rsaCert, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cert *x509.Certificate
		pub  crypto.PublicKey
		want bool
	}{
		{pssCert, k.Public(), true},
		{pssCert, &k.Key.PublicKey, false},
		{rsaCert, &k.Key.PublicKey, true},
		{rsaCert, k.Public(), false},
	} {
		if got := CertificateHasKey(tc.cert, tc.pub); got != tc.want {
			t.Errorf("CertificateHasKey(PSS certificate %v, %T) = %v", IsRSAPSSPublicKeyInfo(tc.cert.RawSubjectPublicKeyInfo), tc.pub, got)
		}
	}
	if pub, ok := CertificatePublicKey(pssCert).(*RSAPSSPublicKey); !ok || !pub.Equal(k.Public()) {
		t.Errorf("CertificatePublicKey of the RSA-PSS certificate: %T", CertificatePublicKey(pssCert))
	}
	if _, ok := CertificatePublicKey(rsaCert).(*rsa.PublicKey); !ok {
		t.Errorf("CertificatePublicKey of the RSA certificate: %T", CertificatePublicKey(rsaCert))
	}
}
