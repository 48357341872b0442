package crl

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crypto/x509/pkix"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

var (
	oidCN     = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidOU     = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidO      = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidC      = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidSerial = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidDC     = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}
	oidEmail  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
)

func str(tag int, s string) asn1.RawValue { return asn1.RawValue{Tag: tag, Bytes: []byte(s)} }

func bmp(s string) asn1.RawValue {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return asn1.RawValue{Tag: asn1.TagBMPString, Bytes: b}
}

func universal(s string) asn1.RawValue {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
	}
	return asn1.RawValue{Tag: 28, Bytes: b}
}

func atv(oid asn1.ObjectIdentifier, v asn1.RawValue) pkix.AttributeTypeAndValue {
	return pkix.AttributeTypeAndValue{Type: oid, Value: v}
}

func rdns(sets ...[]pkix.AttributeTypeAndValue) []byte {
	var seq pkix.RDNSequence
	for _, s := range sets {
		seq = append(seq, s)
	}
	der, err := asn1.Marshal(seq)
	if err != nil {
		panic(err)
	}
	return der
}

func one(oid asn1.ObjectIdentifier, v asn1.RawValue) []pkix.AttributeTypeAndValue {
	return []pkix.AttributeTypeAndValue{atv(oid, v)}
}

// hashNames are issuer names covering the canonicalisation rules; the expected
// hashes come from openssl itself.
var hashNames = map[string][]byte{
	"ascii":              rdns(one(oidCN, str(asn1.TagUTF8String, "Test CA"))),
	"mixed case":         rdns(one(oidO, str(asn1.TagPrintableString, "MiXeD")), one(oidCN, str(asn1.TagUTF8String, "CaSe CA"))),
	"spaces":             rdns(one(oidCN, str(asn1.TagUTF8String, "   lots   of    space   "))),
	"all whitespace":     rdns(one(oidCN, str(asn1.TagUTF8String, "\t\n\v\f\r a \t\n\v\f\r b \t\n\v\f\r"))),
	"only spaces":        rdns(one(oidCN, str(asn1.TagUTF8String, "    "))),
	"utf8":               rdns(one(oidCN, str(asn1.TagUTF8String, "Zürich ÄÖÜ"))),
	"cjk":                rdns(one(oidCN, str(asn1.TagUTF8String, "東京 認証局"))),
	"bmp":                rdns(one(oidCN, bmp("Bmp  NAME 東京"))),
	"universal":          rdns(one(oidCN, universal("Universal 😀 Name"))),
	"t61 latin1":         rdns(one(oidCN, str(asn1.TagT61String, "Caf\xe9 T61"))),
	"printable":          rdns(one(oidC, str(asn1.TagPrintableString, "FR")), one(oidCN, str(asn1.TagPrintableString, " Printable  Name "))),
	"ia5 email":          rdns(one(oidCN, str(asn1.TagUTF8String, "ca")), one(oidEmail, str(asn1.TagIA5String, "Admin@Example.ORG"))),
	"numeric kept":       rdns(one(oidCN, str(asn1.TagUTF8String, "n")), one(oidSerial, str(asn1.TagNumericString, " 12  34 "))),
	"domain components":  rdns(one(oidDC, str(asn1.TagIA5String, "ORG")), one(oidDC, str(asn1.TagIA5String, "Example")), one(oidCN, str(asn1.TagUTF8String, "DC CA"))),
	"multi-valued":       rdns([]pkix.AttributeTypeAndValue{atv(oidCN, str(asn1.TagUTF8String, "a")), atv(oidOU, str(asn1.TagUTF8String, "b"))}),
	"multi-valued order": rdns([]pkix.AttributeTypeAndValue{atv(oidOU, str(asn1.TagUTF8String, "yy")), atv(oidCN, str(asn1.TagUTF8String, "X       "))}),
	"empty":              rdns(),
}

// selfSigned makes a CA certificate whose subject (and issuer) is exactly rawName.
func selfSigned(t *testing.T, rawName []byte) *testpki.Cert {
	t.Helper()
	key := testpki.NewKey(t)
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	skid := sha256.Sum256(pub)
	tpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		RawSubject:            rawName,
		NotBefore:             testpki.Now.Add(-time.Hour),
		NotAfter:              testpki.Now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SubjectKeyId:          skid[:20],
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		// crypto/x509 refuses UniversalString and VisibleString in names, which
		// OpenSSL reads; fill in what Build and the PEM encoding use.
		cert = &x509.Certificate{Raw: der, RawSubject: rawName, SubjectKeyId: tpl.SubjectKeyId, PublicKey: key.Public(), KeyUsage: tpl.KeyUsage}
	}
	return &testpki.Cert{Cert: cert, Key: key}
}

func opensslOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestNameHashMatchesOpenSSL(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	for name, raw := range hashNames {
		t.Run(name, func(t *testing.T) {
			ca := selfSigned(t, raw)
			crlDER := mustBuild(t, params(ca, 1), nil)
			certFile := filepath.Join(dir, "cert.pem")
			crlFile := filepath.Join(dir, "crl.pem")
			os.WriteFile(certFile, ca.PEM(), 0o600)
			os.WriteFile(crlFile, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crlDER}), 0o600)
			h, err := NameHash(raw)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%08x", h)
			if want := opensslOut(t, "x509", "-in", certFile, "-noout", "-subject_hash"); got != want {
				t.Errorf("NameHash = %s, openssl x509 -subject_hash = %s", got, want)
			}
			if want := opensslOut(t, "crl", "-in", crlFile, "-noout", "-hash"); got != want {
				t.Errorf("NameHash = %s, openssl crl -hash = %s", got, want)
			}
		})
	}
}

// Names made by openssl req itself, multi-valued RDNs included.
func TestNameHashOpenSSLSubjects(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	for _, subj := range []string{
		"/CN=a+OU=b",
		"/DC=org/DC=Example/O=Example  Org/OU=Unit+CN=Mixed CASE",
		"/C=CH/L=Zürich/CN=  Zürich  CA  /emailAddress=CA@Example.CH",
		"/CN=x/CN=y",
	} {
		certFile := filepath.Join(dir, "cert.pem")
		opensslOut(t, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", filepath.Join(dir, "key.pem"), "-out", certFile, "-subj", subj, "-utf8", "-multivalue-rdn")
		data, _ := os.ReadFile(certFile)
		block, _ := pem.Decode(data)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		h, err := NameHash(cert.RawSubject)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprintf("%08x", h), opensslOut(t, "x509", "-in", certFile, "-noout", "-subject_hash"); got != want {
			t.Errorf("%s: NameHash = %s, openssl = %s", subj, got, want)
		}
	}
}

func TestNameHashKnownAndInvalid(t *testing.T) {
	// SHA-1 of nothing is da39a3ee...; OpenSSL reads its first four bytes
	// little-endian.
	if h, err := NameHash(rdns()); err != nil || h != 0xeea339da {
		t.Errorf("empty name: %08x, %v", h, err)
	}
	// Names that differ only in what canonicalisation removes hash alike.
	a, _ := NameHash(rdns(one(oidCN, str(asn1.TagPrintableString, "Test  CA"))))
	b, _ := NameHash(rdns(one(oidCN, str(asn1.TagUTF8String, " test ca\t"))))
	c, _ := NameHash(rdns(one(oidCN, bmp("TEST CA"))))
	if a != b || b != c {
		t.Errorf("canonically equal names hash differently: %08x %08x %08x", a, b, c)
	}
	for name, raw := range map[string][]byte{
		"not der":         {0x30, 0x05, 0x31},
		"trailing":        append(rdns(), 0),
		"bad utf8":        rdns(one(oidCN, str(asn1.TagUTF8String, "\xff"))),
		"odd bmp":         rdns(one(oidCN, asn1.RawValue{Tag: asn1.TagBMPString, Bytes: []byte{0, 'a', 0}})),
		"bmp surrogate":   rdns(one(oidCN, asn1.RawValue{Tag: asn1.TagBMPString, Bytes: []byte{0xd8, 0x00}})),
		"universal range": rdns(one(oidCN, asn1.RawValue{Tag: 28, Bytes: []byte{0, 0x11, 0, 0}})),
	} {
		if _, err := NameHash(raw); !errors.Is(err, ErrNameHash) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
