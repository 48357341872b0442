package selfsign

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
)

// independentKeyID computes RFC 7093 method 1 without SubjectKeyID's code
// path: the subjectPublicKey bits are the uncompressed point for ECDSA, the
// PKCS#1 RSAPublicKey for RSA, the raw key for Ed25519.
func independentKeyID(t *testing.T, pub any) []byte {
	t.Helper()
	var bits []byte
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		e, err := k.ECDH()
		if err != nil {
			t.Fatal(err)
		}
		bits = e.Bytes()
	case *rsa.PublicKey:
		bits = x509.MarshalPKCS1PublicKey(k)
	case ed25519.PublicKey:
		bits = k
	case *ecdh.PublicKey:
		bits = k.Bytes()
	default:
		t.Fatalf("unexpected key %T", pub)
	}
	sum := sha256.Sum256(bits)
	return sum[:20]
}

func TestProfiles(t *testing.T) {
	for _, kind := range testpki.KeyKinds {
		t.Run(string(kind), func(t *testing.T) {
			root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/CN=Root"), PathLen: 1}, kind, nil)
			inter := build(t, Spec{Profile: IntermediateCA, Subject: mustSubject(t, "/CN=Intermediate"), PathLen: 0}, kind, root)
			server := build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db.example.com")}, kind, inter)
			client := build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/CN=alice")}, kind, inter)
			self := build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db.example.com")}, kind, nil)

			clientKU := x509.KeyUsageDigitalSignature
			serverKU := clientKU
			if kind == testpki.RSA2048 {
				serverKU |= x509.KeyUsageKeyEncipherment
			}
			for _, tt := range []struct {
				name    string
				c       *issued
				issuer  *issued
				ca      bool
				pathLen int
				ku      x509.KeyUsage
				eku     []x509.ExtKeyUsage
			}{
				{"root", root, nil, true, 1, x509.KeyUsageCertSign | x509.KeyUsageCRLSign, nil},
				{"intermediate", inter, root, true, 0, x509.KeyUsageCertSign | x509.KeyUsageCRLSign, nil},
				{"server", server, inter, false, -1, serverKU, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
				{"client", client, inter, false, -1, clientKU, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
				{"self-signed server", self, nil, false, -1, 0, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
			} {
				c := tt.c.cert
				if !c.BasicConstraintsValid || c.IsCA != tt.ca {
					t.Errorf("%s: basicConstraints valid=%v CA=%v, want CA=%v", tt.name, c.BasicConstraintsValid, c.IsCA, tt.ca)
				}
				if tt.ca && (c.MaxPathLen != tt.pathLen || c.MaxPathLenZero != (tt.pathLen == 0)) {
					t.Errorf("%s: pathlen %d (zero %v), want %d", tt.name, c.MaxPathLen, c.MaxPathLenZero, tt.pathLen)
				}
				if c.KeyUsage != tt.ku {
					t.Errorf("%s: KeyUsage %b, want %b", tt.name, c.KeyUsage, tt.ku)
				}
				if !slices.Equal(c.ExtKeyUsage, tt.eku) || len(c.UnknownExtKeyUsage) != 0 {
					t.Errorf("%s: EKU %v, want %v", tt.name, c.ExtKeyUsage, tt.eku)
				}
				for _, e := range c.Extensions {
					critical := e.Id.Equal(oidExtBasicConstraints) || e.Id.Equal(oidExtKeyUsage)
					if e.Critical != critical {
						t.Errorf("%s: extension %v critical=%v, want %v", tt.name, e.Id, e.Critical, critical)
					}
				}
				if want := independentKeyID(t, c.PublicKey); !bytes.Equal(c.SubjectKeyId, want) {
					t.Errorf("%s: SKID %x, want %x", tt.name, c.SubjectKeyId, want)
				}
				wantAKID := c.SubjectKeyId
				if tt.issuer != nil {
					wantAKID = tt.issuer.cert.SubjectKeyId
				}
				if !bytes.Equal(c.AuthorityKeyId, wantAKID) {
					t.Errorf("%s: AKID %x, want %x", tt.name, c.AuthorityKeyId, wantAKID)
				}
				wantAlg := map[testpki.KeyKind]x509.SignatureAlgorithm{testpki.P256: x509.ECDSAWithSHA256, testpki.P384: x509.ECDSAWithSHA384, testpki.Ed25519: x509.PureEd25519, testpki.RSA2048: x509.SHA256WithRSA}[kind]
				if c.SignatureAlgorithm != wantAlg {
					t.Errorf("%s: signature algorithm %v, want %v", tt.name, c.SignatureAlgorithm, wantAlg)
				}
				if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 159 {
					t.Errorf("%s: serial %x out of range", tt.name, c.SerialNumber)
				}
			}

			roots, inters := x509.NewCertPool(), x509.NewCertPool()
			roots.AddCert(root.cert)
			inters.AddCert(inter.cert)
			for _, leaf := range []*issued{server, client} {
				if _, err := leaf.cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: testNow, KeyUsages: leaf.cert.ExtKeyUsage}); err != nil {
					t.Errorf("chain for %s does not verify: %v", leaf.cert.Subject, err)
				}
			}
		})
	}
}

func TestValidity(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	now := time.Date(2026, 6, 1, 12, 0, 0, 999, time.FixedZone("CEST", 2*3600))
	nowUTC := now.UTC().Truncate(time.Second)
	tests := []struct {
		spec          Spec
		before, after time.Time
	}{
		{Spec{Profile: ServerLeaf, Now: now}, nowUTC.Add(-5 * time.Minute), nowUTC.AddDate(0, 0, DefaultServerDays)},
		{Spec{Profile: ClientLeaf, Now: now}, nowUTC.Add(-5 * time.Minute), nowUTC.AddDate(0, 0, DefaultClientDays)},
		{Spec{Profile: RootCA, Now: now}, nowUTC.Add(-5 * time.Minute), nowUTC.AddDate(0, 0, DefaultRootCADays)},
		{Spec{Profile: ServerLeaf, Now: now, Days: 30}, nowUTC.Add(-Backdate), nowUTC.Add(30 * 24 * time.Hour)},
		{Spec{Profile: ServerLeaf, Now: now, NotBefore: testNow, NotAfter: testNow.Add(time.Hour)}, testNow, testNow.Add(time.Hour)},
		// Past 2049 the time is a GeneralizedTime; it must still come out right.
		{Spec{Profile: RootCA, Now: now, Days: 10000}, nowUTC.Add(-Backdate), nowUTC.AddDate(0, 0, 10000)},
	}
	for _, tt := range tests {
		tt.spec.Subject = mustSubject(t, "/CN=db.example.com")
		der, err := Build(tt.spec, nil, key, key.Public())
		if err != nil {
			t.Fatal(err)
		}
		c := testpki.ParseCert(t, der)
		if !c.NotBefore.Equal(tt.before) || !c.NotAfter.Equal(tt.after) {
			t.Errorf("%v days=%d: validity %v .. %v, want %v .. %v", tt.spec.Profile, tt.spec.Days, c.NotBefore, c.NotAfter, tt.before, tt.after)
		}
	}
	if Backdate != 5*time.Minute {
		t.Errorf("Backdate = %v; the documentation says five minutes", Backdate)
	}
}

func TestSpecErrors(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	subj := mustSubject(t, "/CN=db.example.com")
	root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/CN=Root"), PathLen: 0}, testpki.P256, nil)
	for _, tt := range []struct {
		name   string
		spec   Spec
		issuer *issued
	}{
		{"no profile", Spec{Subject: subj, Now: testNow}, nil},
		{"negative days", Spec{Profile: ServerLeaf, Subject: subj, Now: testNow, Days: -1}, nil},
		{"no time", Spec{Profile: ServerLeaf, Subject: subj}, nil},
		{"half a period", Spec{Profile: ServerLeaf, Subject: subj, NotBefore: testNow}, nil},
		{"inverted period", Spec{Profile: ServerLeaf, Subject: subj, NotBefore: testNow, NotAfter: testNow.Add(-time.Second)}, nil},
		{"zero serial", Spec{Profile: ServerLeaf, Subject: subj, Now: testNow, Serial: big.NewInt(0)}, nil},
		{"huge serial", Spec{Profile: ServerLeaf, Subject: subj, Now: testNow, Serial: serialLimit}, nil},
		{"negative pathlen", Spec{Profile: RootCA, Subject: subj, Now: testNow, PathLen: -2}, nil},
		{"self-signed intermediate", Spec{Profile: IntermediateCA, Subject: subj, Now: testNow}, nil},
		{"issued root", Spec{Profile: RootCA, Subject: subj, Now: testNow}, root},
	} {
		var issuer *x509.Certificate
		signer := key
		if tt.issuer != nil {
			issuer, signer = tt.issuer.cert, tt.issuer.key
		}
		_, err := Build(tt.spec, issuer, signer, key.Public())
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v, want a *SpecError", tt.name, err)
		}
	}
}

func TestGivenSerial(t *testing.T) {
	want := big.NewInt(4096)
	c := build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db"), Serial: want}, testpki.P256, nil)
	if c.cert.SerialNumber.Cmp(want) != 0 {
		t.Errorf("serial %v, want %v", c.cert.SerialNumber, want)
	}
}

func TestIssuerChecks(t *testing.T) {
	root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/CN=Root"), PathLen: 0}, testpki.P256, nil)
	leaf := build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db")}, testpki.P256, root)
	key := testpki.KeyOf(t, testpki.P256)
	spec := Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=x"), Now: testNow}

	if _, err := Build(spec, leaf.cert, leaf.key, key.Public()); !errors.Is(err, ErrNotCA) {
		t.Errorf("issuing from a leaf: %v, want ErrNotCA", err)
	}
	ca := Spec{Profile: IntermediateCA, Subject: mustSubject(t, "/CN=Sub"), Now: testNow}
	if _, err := Build(ca, root.cert, root.key, key.Public()); !errors.Is(err, ErrNotCA) {
		t.Errorf("a CA under pathlen:0: %v, want ErrNotCA", err)
	}
	if _, err := Build(spec, root.cert, testpki.KeyOf(t, testpki.P256), key.Public()); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("issuer key not the issuer's: %v, want ErrKeyMismatch", err)
	}
	if _, err := Build(spec, nil, testpki.KeyOf(t, testpki.P256), key.Public()); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("self-signed with another key: %v, want ErrKeyMismatch", err)
	}
	noSKID := *root.cert
	noSKID.SubjectKeyId = nil
	der, err := Build(spec, &noSKID, root.key, key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if got := testpki.ParseCert(t, der).AuthorityKeyId; !bytes.Equal(got, independentKeyID(t, root.cert.PublicKey)) {
		t.Errorf("AKID under an issuer without SKID = %x, want the issuer key's method-1 id", got)
	}
}

func TestUnsupportedKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	var ke *KeyError
	if _, err := Build(Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db"), Now: testNow}, nil, small, small.Public()); !errors.As(err, &ke) {
		t.Errorf("RSA-1024: %v, want a *KeyError", err)
	}
	if _, err := NewRequest(small, mustSubject(t, "/CN=db"), SANs{}, nil); !errors.As(err, &ke) {
		t.Errorf("NewRequest with RSA-1024: %v, want a *KeyError", err)
	}
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SignatureAlgorithm(x.PublicKey()); !errors.As(err, &ke) {
		t.Errorf("X25519: %v, want a *KeyError", err)
	}
}

// TestSelfSignCopiesRequest checks that SelfSign keeps the request's
// subject byte for byte and its SANs, and that what the request asks for in
// extensions (CA:TRUE, keyCertSign, codeSigning) is ignored.
func TestSelfSignCopiesRequest(t *testing.T) {
	key := fixtureKey(t, "ec.key")
	for _, name := range []string{"ec-text.csr", "ec-ca.csr"} {
		req, err := ParseRequest(readFixture(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		der, err := SelfSign(req, key, 0, testNow, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := testpki.ParseCert(t, der)
		if !bytes.Equal(c.RawSubject, req.RawSubject) || !bytes.Equal(c.RawIssuer, req.RawSubject) {
			t.Errorf("%s: subject/issuer not copied byte for byte", name)
		}
		wantSANs := RequestSANs(req)
		if wantSANs.Empty() {
			wantSANs, _ = HostSANs([]string{req.Subject.CommonName})
		}
		if got := certSANs(c).String(); got != wantSANs.String() {
			t.Errorf("%s: SANs %q, want %q", name, got, wantSANs)
		}
		if c.IsCA || c.KeyUsage != 0 || !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
			t.Errorf("%s: CA=%v KU=%b EKU=%v; the request's extensions leaked in", name, c.IsCA, c.KeyUsage, c.ExtKeyUsage)
		}
		if !c.NotAfter.Equal(testNow.AddDate(0, 0, DefaultServerDays)) {
			t.Errorf("%s: NotAfter %v, want now + DefaultServerDays", name, c.NotAfter)
		}
	}
}

func TestSelfSignDays(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	csr, err := NewRequest(key, mustSubject(t, "/CN=db"), SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, err := ParseRequest(csr)
	if err != nil {
		t.Fatal(err)
	}
	der, err := SelfSign(req, key, 7, testNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := testpki.ParseCert(t, der); !c.NotAfter.Equal(testNow.AddDate(0, 0, 7)) || !c.NotBefore.Equal(testNow.Add(-Backdate)) {
		t.Errorf("validity %v .. %v, want now-5m .. now+7d", c.NotBefore, c.NotAfter)
	}
}

func TestSelfSignKeyMismatch(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	csr, err := NewRequest(key, mustSubject(t, "/CN=db"), SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, err := ParseRequest(csr)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []testpki.KeyKind{testpki.P256, testpki.Ed25519} {
		if _, err := SelfSign(req, testpki.KeyOf(t, other), 0, testNow, nil); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("SelfSign with another %s key: %v, want ErrKeyMismatch", other, err)
		}
	}
}

func TestSelfSignBadSignature(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	csr, err := NewRequest(key, mustSubject(t, "/CN=db"), SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, err := x509.ParseCertificateRequest(csr)
	if err != nil {
		t.Fatal(err)
	}
	req.Signature[len(req.Signature)-1] ^= 1
	if _, err := SelfSign(req, key, 0, testNow, nil); !errors.Is(err, ErrBadRequestSignature) {
		t.Errorf("SelfSign with a broken request signature: %v, want ErrBadRequestSignature", err)
	}
}

// TestRawSubjectChecked checks that a subject copied from a request gets
// the checks ParseSubject applies, so a request cannot smuggle in a subject
// pgcert would refuse to write.
func TestRawSubjectChecked(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	for _, rdns := range []pkix.RDNSequence{
		{{{Type: oidCommonName, Value: strings.Repeat("a", 65)}}},
		{{{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "us"}}},
		{{{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: "tab\there"}}},
	} {
		raw, err := asn1.Marshal(rdns)
		if err != nil {
			t.Fatal(err)
		}
		csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: raw, DNSNames: []string{"db"}}, key)
		if err != nil {
			t.Fatal(err)
		}
		req, err := ParseRequest(csr)
		if err != nil {
			t.Fatal(err)
		}
		var se *SubjectError
		if _, err := SelfSign(req, key, 0, testNow, nil); !errors.As(err, &se) {
			t.Errorf("SelfSign(%v): %v, want a *SubjectError", rdns, err)
		}
	}
}
