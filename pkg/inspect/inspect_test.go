package inspect

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func mustDescribe(t *testing.T, data []byte, now time.Time) []*Object {
	t.Helper()
	objs, err := Describe(data, now)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestValidityAndDaysLeft(t *testing.T) {
	t.Parallel()
	c := testpki.Make(t, testpki.Template{CN: "db", NotBefore: testpki.Now, NotAfter: testpki.Now.Add(10 * 24 * time.Hour)}, nil)
	for _, tc := range []struct {
		now      time.Time
		validity string
		days     int
	}{
		// Whole days, rounded toward zero, as check counts them.
		{testpki.Now.Add(-time.Second), NotYetValid, 10},
		{testpki.Now, Valid, 10},
		{testpki.Now.Add(time.Hour), Valid, 9},
		{testpki.Now.Add(24 * time.Hour), Valid, 9},
		{testpki.Now.Add(9*24*time.Hour + time.Hour), Valid, 0},
		{testpki.Now.Add(10 * 24 * time.Hour), Valid, 0},
		{testpki.Now.Add(10*24*time.Hour + time.Second), Expired, 0},
		{testpki.Now.Add(11 * 24 * time.Hour), Expired, -1},
		{testpki.Now.Add(12 * 24 * time.Hour), Expired, -2},
		{testpki.Now.Add(12*24*time.Hour + time.Second), Expired, -2},
	} {
		got := mustDescribe(t, c.PEM(), tc.now)[0].Certificate
		if got.Validity != tc.validity || got.DaysLeft != tc.days {
			t.Errorf("at %v: %s, %d days left; want %s, %d", tc.now, got.Validity, got.DaysLeft, tc.validity, tc.days)
		}
	}
}

// TestSelfSignedServerCertificate describes what selfsign makes: self-signed, no
// KeyUsage, serverAuth, CA:FALSE, AKID = SKID, a 159-bit serial.
func TestSelfSignedServerCertificate(t *testing.T) {
	t.Parallel()
	key := testpki.NewKey(t)
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	csr, err := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := selfsign.ParseRequest(csr)
	der, err := selfsign.SelfSign(req, key, 0, testpki.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := mustDescribe(t, der, testpki.Now)[0].Certificate
	if !c.SelfSigned || len(c.KeyUsage) != 0 || strings.Join(c.ExtKeyUsage, ",") != "serverAuth" ||
		c.BasicConstraints == nil || c.BasicConstraints.CA || c.SubjectKeyID == "" || c.AuthorityKeyID != c.SubjectKeyID {
		t.Errorf("%+v", c)
	}
	if c.DaysLeft != selfsign.DefaultServerDays || c.Validity != Valid {
		t.Errorf("days left %d, validity %s", c.DaysLeft, c.Validity)
	}
	if strings.Join(c.SANs.Strings(), ",") != "DNS:db.example.com" || c.SubjectDN != "CN=db.example.com" {
		t.Errorf("SANs %v, DN %q", c.SANs.Strings(), c.SubjectDN)
	}
	if n := len(c.Serial) / 2; n < 8 || n > 20 || strings.ToUpper(c.Serial) != c.Serial {
		t.Errorf("serial %q has %d bytes", c.Serial, n)
	}
}

func TestCertificateWithoutExtensions(t *testing.T) {
	t.Parallel()
	c := testpki.Make(t, testpki.Template{CN: "plain", KeyUsage: 0}, nil)
	got := mustDescribe(t, c.PEM(), testpki.Now)[0].Certificate
	if got.SANs.DNS == nil || got.SANs.IP == nil || got.SANs.Email == nil || got.SANs.URI == nil || got.ExtKeyUsage == nil {
		t.Errorf("empty lists must be [] in JSON: %+v", got)
	}
	js, _ := json.Marshal(got)
	for _, want := range []string{`"dns":[]`, `"extended_key_usage":[]`, `"authority_key_id":`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}
}

func TestNegativeSerial(t *testing.T) {
	t.Parallel()
	if got := formatSerial(big.NewInt(-0x1234)); got != "(Negative)1234" {
		t.Errorf("formatSerial(-0x1234) = %q", got)
	}
	if got := formatSerial(big.NewInt(0)); got != "00" {
		t.Errorf("formatSerial(0) = %q", got)
	}
}

func TestRequestWithBadSignatureIsShown(t *testing.T) {
	t.Parallel()
	key := testpki.NewKey(t)
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, err := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	der[len(der)-5] ^= 0x40
	objs, err := Describe(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), testpki.Now)
	if err != nil {
		t.Fatal(err)
	}
	if objs[0].Request.SignatureValid {
		t.Error("a damaged signature is reported valid")
	}
}

// crlEntries yields n entries with serials 1..n, every third with a reason.
func crlEntries(n int) iter.Seq[crl.Entry] {
	return func(yield func(crl.Entry) bool) {
		for i := 1; i <= n; i++ {
			e := crl.Entry{Serial: big.NewInt(int64(i)).Bytes(), RevocationTime: testpki.Now.Add(-time.Hour)}
			if i%3 == 0 {
				e.Reason = 4
			}
			if !yield(e) {
				return
			}
		}
	}
}

func buildCRL(t testing.TB, ca *testpki.Cert, n int, next time.Time) []byte {
	t.Helper()
	der, err := crl.Build(crl.Params{Issuer: ca.Cert, Signer: ca.Key, Number: big.NewInt(7), ThisUpdate: testpki.Now, NextUpdate: next}, crlEntries(n))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestCRLEntriesAndStatus(t *testing.T) {
	t.Parallel()
	ca := testpki.Root(t, "CRL CA")
	der := buildCRL(t, ca, 1000, testpki.Now.Add(30*24*time.Hour))
	for _, tc := range []struct {
		now    time.Time
		status string
		days   int
	}{
		{testpki.Now.Add(-time.Minute), NotYetValid, 30},
		{testpki.Now, Valid, 30},
		{testpki.Now.Add(time.Minute), Valid, 29},
		{testpki.Now.Add(30*24*time.Hour + time.Minute), Expired, 0},
		{testpki.Now.Add(31*24*time.Hour + time.Minute), Expired, -1},
	} {
		c := mustDescribe(t, der, tc.now)[0].CRL
		if c.DaysLeft == nil {
			t.Fatalf("at %v: no days left", tc.now)
		}
		if c.Status != tc.status || *c.DaysLeft != tc.days {
			t.Errorf("at %v: status %s, %d days left; want %s, %d", tc.now, c.Status, *c.DaysLeft, tc.status, tc.days)
		}
	}
	objs := mustDescribe(t, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), testpki.Now)
	c := objs[0].CRL
	if c.Number != "7" || c.EntryCount != 1000 || c.Issuer != "CN = CRL CA" || c.AuthorityKeyID != keyID(ca.Cert.SubjectKeyId) {
		t.Errorf("%+v", c)
	}
	// The serials as openssl prints them, in the CRL's order: the expectation owes
	// nothing to Describe's own formatting.
	want := opensslCRLSerials(t, der)
	n := 0
	err := c.ScanEntries(func(e CRLEntry) error {
		n++
		reason := ""
		if n%3 == 0 {
			reason = "superseded"
		}
		if n > len(want) || e.Serial != want[n-1] || e.Reason != reason || !e.RevocationTime.Equal(testpki.Now.Add(-time.Hour)) || e.InvalidityDate != nil {
			return fmt.Errorf("entry %d: %+v (openssl: %q)", n, e, want[min(n, len(want))-1])
		}
		return nil
	})
	if err != nil || n != 1000 || len(want) != 1000 {
		t.Fatalf("%d entries (openssl lists %d), %v", n, len(want), err)
	}
	stop := errors.New("stop")
	if err := c.ScanEntries(func(CRLEntry) error { return stop }); err != stop {
		t.Errorf("ScanEntries returned %v, not fn's error", err)
	}

}

// TestMixedFile describes a file holding one of everything, in order.
func TestMixedFile(t *testing.T) {
	t.Parallel()
	ca := testpki.Root(t, "Mixed CA")
	leaf := ca.Server(t, "db.example.com")
	key, err := keys.MarshalPKCS8PEM(leaf.Key)
	if err != nil {
		t.Fatal(err)
	}
	csr, _ := selfsign.NewRequest(leaf.Key, nil, selfsign.SANs{DNS: []string{"db.example.com"}}, nil)
	var data []byte
	data = append(data, "some text first\n"...)
	data = append(data, leaf.PEM()...)
	data = append(data, key...)
	data = append(data, pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}})...)
	data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})...)
	data = append(data, ca.CRLPEM(t, 1, testpki.Now, testpki.Now.Add(time.Hour))...)
	data = append(data, ca.PEM()...)
	objs := mustDescribe(t, data, testpki.Now)
	var types []string
	for _, o := range objs {
		types = append(types, string(o.Type))
	}
	if strings.Join(types, ",") != "certificate,private_key,request,crl,certificate" {
		t.Fatalf("types %v", types)
	}
	fp := objs[0].Certificate.PublicKey.Fingerprint
	if objs[1].PrivateKey.Fingerprint != fp || objs[2].Request.PublicKey.Fingerprint != fp {
		t.Errorf("the key, request and certificate fingerprints differ: %s %s %s", fp, objs[1].PrivateKey.Fingerprint, objs[2].Request.PublicKey.Fingerprint)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	ca := testpki.Root(t, "Refusal CA")
	good := ca.PEM()
	truncated := good[:len(good)-30]
	corrupt := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 3, 1, 2, 3}})
	openssh := []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n")
	for _, tc := range []struct {
		name  string
		data  []byte
		check func(error) bool
	}{
		{"empty", nil, isUnrecognized},
		{"spaces", []byte("  \n"), isUnrecognized},
		{"garbage", []byte("this is not a certificate\n"), isUnrecognized},
		{"DER garbage", []byte{0x30, 0x03, 0x02, 0x01, 0x05}, isUnrecognized},
		{"only parameters", pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 1, 0}}), isUnrecognized},
		{"truncated PEM", truncated, func(err error) bool { return errors.Is(err, ErrUndecodablePEM) }},
		{"good then truncated", append(append([]byte{}, good...), truncated...), func(err error) bool { return errors.Is(err, ErrUndecodablePEM) }},
		{"corrupt certificate", corrupt, isBlock(1, "CERTIFICATE")},
		{"corrupt second block", append(append([]byte{}, good...), corrupt...), isBlock(2, "CERTIFICATE")},
		{"corrupt CRL", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{0x30, 0}}), isBlock(1, "X509 CRL")},
		{"OpenSSH key", openssh, func(err error) bool {
			var fe *keys.FormatError
			return isBlock(1, "OPENSSH PRIVATE KEY")(err) && errors.As(err, &fe) && !strings.Contains(err.Error(), "keys:")
		}},
	} {
		_, err := Describe(tc.data, testpki.Now)
		if err == nil || !tc.check(err) {
			t.Errorf("%s: err = %v (%T)", tc.name, err, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "inspect: ") {
			t.Errorf("%s: message %q lacks the package prefix", tc.name, err)
		}
	}
}

func isUnrecognized(err error) bool {
	var u *UnrecognizedError
	return errors.As(err, &u) && u.Found != ""
}

func isBlock(n int, typ string) func(error) bool {
	return func(err error) bool {
		var b *BlockError
		return errors.As(err, &b) && b.Block == n && b.Type == typ
	}
}

func FuzzDescribe(f *testing.F) {
	for _, name := range []string{"bundle.pem", "root-text.pem", "root-trusted.pem", "server.der", "server.req", "server-req.der", "root.crl", "root-crl.der", "ec-params.key", "encrypted.key", "ec-pub.pem", "rsa-pub.pem"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The -text dumps of whatever parses: they must not panic.
		if c, err := x509.ParseCertificate(data); err == nil {
			_ = TextCertificate(c)
		}
		if r, err := x509.ParseCertificateRequest(data); err == nil {
			_ = TextRequest(r)
		}
		objs, err := Describe(data, testpki.Now)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "inspect: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if len(objs) == 0 {
			t.Fatal("no objects and no error")
		}
		for _, o := range objs {
			if o.CRL != nil {
				if err := o.CRL.ScanEntries(func(CRLEntry) error { return nil }); err != nil {
					t.Fatalf("ScanEntries failed after Describe succeeded: %v", err)
				}
			}
			if _, err := json.Marshal(o); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// BenchmarkDescribeCRL describes a CRL of 100,000 entries and walks them, as
// `pgcert show` does; allocations stay flat in the number of entries.
func BenchmarkDescribeCRL(b *testing.B) {
	ca := testpki.Root(b, "Bench CA")
	der := buildCRL(b, ca, 100_000, testpki.Now.Add(time.Hour))
	b.SetBytes(int64(len(der)))
	b.ReportAllocs()
	for b.Loop() {
		objs, err := Describe(der, testpki.Now)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := objs[0].CRL.ScanEntries(func(CRLEntry) error { n++; return nil }); err != nil || n != 100_000 {
			b.Fatal(n, err)
		}
	}
}
