package selfsign

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

// pssKey is the shared RSA key as an RSA-PSS key: RSA generation is slow.
func pssKey(t testing.TB) *keys.RSAPSSKey {
	t.Helper()
	return &keys.RSAPSSKey{Key: testpki.RSAKey(t)}
}

// parsePSS reads a certificate Build made and checks that its key is the
// RSA-PSS key pub, written as id-RSASSA-PSS.
func parsePSS(t *testing.T, der []byte, pub *keys.RSAPSSPublicKey) *x509.Certificate {
	t.Helper()
	c, err := keys.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if !keys.IsRSAPSSPublicKeyInfo(c.RawSubjectPublicKeyInfo) {
		t.Error("the certificate's key is not id-RSASSA-PSS")
	}
	if !keys.PublicKeysEqual(pub, c.PublicKey) {
		t.Error("the certificate is for another key")
	}
	skid, err := SubjectKeyID(pub)
	if err != nil || !bytes.Equal(skid, c.SubjectKeyId) {
		t.Errorf("SKID %x, want %x (%v)", c.SubjectKeyId, skid, err)
	}
	return c
}

func writePSSPEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRSAPSSSelfSigned: a self-signed certificate for an RSA-PSS key names
// id-RSASSA-PSS as its key and is signed with RSASSA-PSS (SHA-256, MGF1-SHA-256,
// salt 32); openssl reads both and verifies it.
func TestRSAPSSSelfSigned(t *testing.T) {
	k := pssKey(t)
	pub := k.Public().(*keys.RSAPSSPublicKey)
	der, err := Build(Spec{Profile: ServerLeaf, SANs: SANs{DNS: []string{"db.example.com"}}, Now: testNow, Days: 1}, nil, k, pub)
	if err != nil {
		t.Fatal(err)
	}
	c := parsePSS(t, der, pub)
	if c.SignatureAlgorithm != x509.SHA256WithRSAPSS {
		t.Errorf("signed with %v", c.SignatureAlgorithm)
	}
	if err := keys.CheckSignature(c.Raw, c.SignatureAlgorithm, c.PublicKey); err != nil {
		t.Errorf("own signature: %v", err)
	}
	if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		t.Errorf("crypto/x509 with the completed key: %v", err)
	}
	if c.KeyUsage&x509.KeyUsageKeyEncipherment != 0 {
		t.Error("keyEncipherment on a key that can only sign")
	}
	alg, err := AlgorithmIdentifier(pub)
	if err != nil || !bytes.Contains(der, alg) {
		t.Errorf("AlgorithmIdentifier %x is not what the certificate names (%v)", alg, err)
	}

	dir := t.TempDir()
	crt := writePSSPEM(t, dir, "server.crt", "CERTIFICATE", der)
	out := testenv.OpenSSL(t, "x509", "-noout", "-text", "-in", crt)
	for _, want := range []string{"Public Key Algorithm: rsassaPss", "Signature Algorithm: rsassaPss", "Salt Length: 0x20", "Mask Algorithm: mgf1 with sha256"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("openssl x509 -text lacks %q:\n%s", want, out)
		}
	}
	keyFile := filepath.Join(dir, "server.key")
	if err := os.WriteFile(keyFile, keys.MarshalRSAPSSPKCS8PEM(k), 0o600); err != nil {
		t.Fatal(err)
	}
	if v := testenv.OpenSSLVerify(t, "-attime", strconv.FormatInt(testNow.Unix(), 10), "-CAfile", crt, crt); !v.OK {
		t.Errorf("openssl verify: %s", v.Output)
	}
	pk := testenv.OpenSSL(t, "pkey", "-in", keyFile, "-pubout")
	ck := testenv.OpenSSL(t, "x509", "-in", crt, "-noout", "-pubkey")
	if !bytes.Equal(pk, ck) {
		t.Errorf("openssl reads another key from the certificate:\n%s\n%s", pk, ck)
	}
}

// TestRSAPSSIssued: an ECDSA CA certifies an RSA-PSS key; a CA certificate
// for an RSA-PSS key is refused.
func TestRSAPSSIssued(t *testing.T) {
	k := pssKey(t)
	pub := k.Public().(*keys.RSAPSSPublicKey)
	caKey := testpki.KeyOf(t, testpki.P256)
	caDER, err := Build(Spec{Profile: RootCA, Subject: mustSubject(t, "/CN=Test CA"), Now: testNow, Days: 10}, nil, caKey, caKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	der, err := Build(Spec{Profile: ServerLeaf, SANs: SANs{DNS: []string{"db.example.com"}}, Now: testNow, Days: 1}, ca, caKey, pub)
	if err != nil {
		t.Fatal(err)
	}
	c := parsePSS(t, der, pub)
	if c.SignatureAlgorithm != x509.ECDSAWithSHA256 {
		t.Errorf("signed with %v", c.SignatureAlgorithm)
	}
	if err := c.CheckSignatureFrom(ca); err != nil {
		t.Error(err)
	}
	dir := t.TempDir()
	v := testenv.OpenSSLVerify(t, "-attime", strconv.FormatInt(testNow.Unix(), 10), "-CAfile", writePSSPEM(t, dir, "ca.crt", "CERTIFICATE", caDER), writePSSPEM(t, dir, "server.crt", "CERTIFICATE", der))
	if !v.OK {
		t.Errorf("openssl verify: %s", v.Output)
	}

	for _, p := range []Profile{RootCA, IntermediateCA} {
		issuer, issuerKey := ca, caKey
		if p == RootCA {
			issuer, issuerKey = nil, k
		}
		if _, err := Build(Spec{Profile: p, Subject: mustSubject(t, "/CN=PSS CA"), Now: testNow, Days: 1}, issuer, issuerKey, pub); !errors.Is(err, ErrRSAPSSCA) {
			t.Errorf("%v for an RSA-PSS key: %v", p, err)
		}
	}
}

// TestRSAPSSRequest: a request for an RSA-PSS key names id-RSASSA-PSS and is
// signed with RSASSA-PSS; ParseRequest reads it back as an RSA-PSS key, openssl
// req -verify accepts it, and SelfSign certifies it for the same key.
func TestRSAPSSRequest(t *testing.T) {
	k := pssKey(t)
	der, err := NewRequest(k, mustSubject(t, "/CN=db.example.com"), SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := csr.PublicKey.(*keys.RSAPSSPublicKey); !ok || !keys.IsRSAPSSPublicKeyInfo(csr.RawSubjectPublicKeyInfo) {
		t.Errorf("request key %T", csr.PublicKey)
	}
	if csr.SignatureAlgorithm != x509.SHA256WithRSAPSS {
		t.Errorf("signed with %v", csr.SignatureAlgorithm)
	}
	out := testenv.OpenSSL(t, "req", "-verify", "-noout", "-text", "-in", writePSSPEM(t, t.TempDir(), "server.csr", "CERTIFICATE REQUEST", der))
	if !bytes.Contains(out, []byte("Public Key Algorithm: rsassaPss")) {
		t.Errorf("openssl req -text:\n%s", out)
	}
	cert, err := SelfSign(csr, k, 1, testNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	parsePSS(t, cert, k.Public().(*keys.RSAPSSPublicKey))

	// A request whose signature was tampered with is refused.
	bad := bytes.Clone(der)
	bad[len(bad)-1] ^= 1
	if _, err := ParseRequest(bad); !errors.Is(err, ErrBadRequestSignature) {
		t.Errorf("tampered request: %v", err)
	}
}

// TestRSAPSSOpenSSLFiles: what openssl makes by default for an RSA-PSS key
// (testdata/make-fixtures.sh), signed with a 222-byte salt, is read and
// verified; a certificate made from openssl's request is for the same key.
func TestRSAPSSOpenSSLFiles(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	key, err := keys.Parse(read("rsa-pss.key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseRequest(read("rsa-pss.csr"))
	if err != nil {
		t.Fatalf("openssl's request: %v", err)
	}
	if csr.SignatureAlgorithm != x509.SHA256WithRSAPSS || !keys.PublicKeysEqual(key.Signer.Public(), csr.PublicKey) {
		t.Errorf("request: %v, key %T", csr.SignatureAlgorithm, csr.PublicKey)
	}
	block, _ := pem.Decode(read("rsa-pss.crt"))
	c, err := keys.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if c.SignatureAlgorithm != x509.SHA256WithRSAPSS || !keys.PublicKeysEqual(key.Signer.Public(), c.PublicKey) {
		t.Errorf("certificate: %v, key %T", c.SignatureAlgorithm, c.PublicKey)
	}
	if err := keys.CheckSignature(c.Raw, c.SignatureAlgorithm, c.PublicKey); err != nil {
		t.Errorf("openssl's self-signature: %v", err)
	}
	der, err := SelfSign(csr, key.Signer, 1, testNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	parsePSS(t, der, key.Signer.Public().(*keys.RSAPSSPublicKey))
}
