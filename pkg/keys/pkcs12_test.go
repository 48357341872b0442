package keys

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testfs"
)

// TestParsePKCS12Fixture reads bundle.p12, which openssl pkcs12 -export made from
// ec-p256.pkcs8.pem and cert.pem (testdata/make-fixtures.sh): the key, its
// certificate, the passphrase asked once, and the refusals without one or with a
// wrong one. Inspect names the container without decrypting.
func TestParsePKCS12Fixture(t *testing.T) {
	data := readFixture(t, "bundle.p12")
	want, err := Parse(readFixture(t, "ec-p256.pkcs8.pem"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pass, calls := countingPass(fixturePass)
	k, err := Parse(data, pass)
	if err != nil {
		t.Fatal(err)
	}
	if !PublicKeysEqual(k.Signer.Public(), want.Signer.Public()) || k.Info.Container != ContainerPKCS12 || *calls != 1 {
		t.Errorf("read %+v after %d passphrase calls", k.Info, *calls)
	}
	p, err := ParsePKCS12(data, func() ([]byte, error) { return []byte(fixturePass), nil })
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(readFixture(t, "cert.pem"))
	if p.Cert == nil || !bytes.Equal(p.Cert.Raw, b.Bytes) {
		t.Error("the certificate is not cert.pem")
	}
	if _, err := Parse(data, nil); !errors.Is(err, ErrPassphraseRequired) {
		t.Errorf("without a passphrase: %v", err)
	}
	if _, err := Parse(data, func() ([]byte, error) { return []byte("wrong"), nil }); !errors.Is(err, ErrIncorrectPassphrase) {
		t.Errorf("with a wrong passphrase: %v", err)
	}
	if info, err := Inspect(data); err != nil || info.Container != ContainerPKCS12 || !info.Encrypted {
		t.Errorf("Inspect: %+v, %v", info, err)
	}
}

// TestPKCS12WithOpenSSL: pgcert reads the PKCS#12 files openssl 3 writes, modern
// (AES, PBES2) and legacy (RC2-40 and 3DES), with an intermediate in the chain and
// with an empty password; openssl reads the modern and legacy files pgcert writes and
// finds the same key and certificates.
func TestPKCS12WithOpenSSL(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	path := func(n string) string { return filepath.Join(dir, n) }
	runOpenSSL(t, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", path("ca.key"), "-out", path("ca.pem"), "-subj", "/CN=P12 CA", "-days", "30")
	runOpenSSL(t, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", path("leaf.key"), "-out", path("leaf.csr"), "-subj", "/CN=leaf")
	runOpenSSL(t, "x509", "-req", "-in", path("leaf.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
		"-out", path("leaf.pem"), "-days", "30")
	leafKey, err := Parse(testfs.Read(t, path("leaf.key")), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, pass string
		args       []string
	}{
		{"modern", "secret", nil},
		{"legacy", "secret", []string{"-legacy"}},
		{"empty password", "", nil},
	} {
		t.Run("openssl wrote "+tc.name, func(t *testing.T) {
			out := path(tc.name + ".p12")
			runOpenSSL(t, append([]string{"pkcs12", "-export", "-inkey", path("leaf.key"), "-in", path("leaf.pem"),
				"-certfile", path("ca.pem"), "-passout", "pass:" + tc.pass, "-out", out}, tc.args...)...)
			p, err := ParsePKCS12(testfs.Read(t, out), func() ([]byte, error) { return []byte(tc.pass), nil })
			if err != nil {
				t.Fatal(err)
			}
			if !PublicKeysEqual(p.Key.Signer.Public(), leafKey.Signer.Public()) || p.Cert.Subject.CommonName != "leaf" ||
				len(p.CACerts) != 1 || p.CACerts[0].Subject.CommonName != "P12 CA" {
				t.Errorf("read key %+v, cert %v, CAs %d", p.Key.Info, p.Cert.Subject, len(p.CACerts))
			}
		})
	}
	leaf := mustCert(t, path("leaf.pem"))
	caCert := mustCert(t, path("ca.pem"))
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "openssl reads modern", true: "openssl reads legacy"}[legacy], func(t *testing.T) {
			data, err := MarshalPKCS12(leafKey.Signer, leaf, []*x509.Certificate{caCert}, "secret", legacy, nil)
			if err != nil {
				t.Fatal(err)
			}
			out := path("pgcert.p12")
			os.WriteFile(out, data, 0o600)
			keyPEM := runOpenSSL(t, "pkcs12", "-in", out, "-passin", "pass:secret", "-nocerts", "-nodes")
			pub := runOpenSSL(t, "pkey", "-in", writeTemp(t, "k.pem", keyPEM), "-pubout")
			if !bytes.Equal(pub, publicPEM(t, leafKey.Signer.Public())) {
				t.Errorf("openssl found another key:\n%s", pub)
			}
			certs := runOpenSSL(t, "pkcs12", "-in", out, "-passin", "pass:secret", "-nokeys")
			if !bytes.Contains(certs, []byte("subject=CN = leaf")) || !bytes.Contains(certs, []byte("subject=CN = P12 CA")) {
				t.Errorf("openssl found these certificates:\n%s", certs)
			}
		})
	}
}

func mustCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(testfs.Read(t, path))
	if b == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
