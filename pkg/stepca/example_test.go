package stepca_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// exampleTB runs the fake CA outside a test: it panics on failure and closes the
// server at the end of the example.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper()            {}
func (*exampleTB) Fatal(args ...any)  { panic(fmt.Sprint(args...)) }
func (e *exampleTB) Cleanup(f func()) { e.cleanups = append(e.cleanups, f) }
func (e *exampleTB) done() {
	for _, f := range e.cleanups {
		f()
	}
}

// exampleCA starts a fake step-ca and returns a client of it and its
// provisioner.
func exampleCA() (*fakeCA, *stepca.Client, *stepca.Provisioner, func()) {
	e := &exampleTB{}
	f := newFakeCA(e)
	ctx := context.Background()
	c, err := stepca.New(ctx, stepca.Options{URL: f.srv.URL, Fingerprint: stepca.Fingerprint(f.root)})
	if err != nil {
		panic(err)
	}
	p, err := c.Provisioner(ctx, provName, []byte(provPass))
	if err != nil {
		panic(err)
	}
	return f, c, p, e.done
}

func newKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// New trusts a step-ca by its root's fingerprint, as `step ca bootstrap` does.
func ExampleNew() {
	f, _, _, done := exampleCA()
	defer done()
	c, err := stepca.New(context.Background(), stepca.Options{URL: f.srv.URL, Fingerprint: stepca.Fingerprint(f.root)})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Root.Subject.CommonName)
	// Output: Fake Root CA
}

func ExampleFingerprint() {
	f, _, _, done := exampleCA()
	defer done()
	fmt.Println(len(stepca.Fingerprint(f.root)))
	// Output: 64
}

func ExampleClient_Health() {
	_, c, _, done := exampleCA()
	defer done()
	fmt.Println(c.Health(context.Background()))
	// Output: <nil>
}

func ExampleClient_Provisioner() {
	_, c, _, done := exampleCA()
	defer done()
	_, err := c.Provisioner(context.Background(), "admin", []byte("not the password"))
	fmt.Println(err)
	// Output: stepca: the password does not decrypt the key of provisioner "admin"
}

func ExampleProvisioner_SignToken() {
	_, _, p, done := exampleCA()
	defer done()
	tok, err := p.SignToken("db.example.com", []string{"db.example.com"})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(tok, "."))
	// Output: 2
}

func ExampleProvisioner_RevokeToken() {
	_, _, p, done := exampleCA()
	defer done()
	tok, err := p.RevokeToken("1234")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(tok, "."))
	// Output: 2
}

// Issue asks for a server certificate; the key never leaves the caller.
func ExampleClient_Issue() {
	_, c, p, done := exampleCA()
	defer done()
	is, err := c.Issue(context.Background(), stepca.Request{Provisioner: p, Key: newKey(), Subject: "db.example.com", SANs: []string{"db.example.com", "127.0.0.1"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(is.Cert.Subject.CommonName, is.Cert.DNSNames, is.Cert.IPAddresses, is.Intermediates[0].Subject.CommonName)
	// Output: db.example.com [db.example.com] [127.0.0.1] Fake Intermediate CA
}

func ExampleClient_Verify() {
	_, c, p, done := exampleCA()
	defer done()
	is, err := c.Issue(context.Background(), stepca.Request{Provisioner: p, Key: newKey(), Subject: "alice"})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Verify(is))
	// Output: <nil>
}

// Renew proves possession of the current certificate's key over mutual TLS.
func ExampleClient_Renew() {
	_, c, p, done := exampleCA()
	defer done()
	ctx := context.Background()
	key := newKey()
	is, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: key, Subject: "db.example.com"})
	if err != nil {
		panic(err)
	}
	next, err := c.Renew(ctx, is, key)
	if err != nil {
		panic(err)
	}
	fmt.Println(next.Cert.Subject.CommonName, next.Cert.SerialNumber.Cmp(is.Cert.SerialNumber) != 0)
	// Output: db.example.com true
}

// Revoke, then the CRL lists the certificate.
func ExampleClient_Revoke() {
	_, c, p, done := exampleCA()
	defer done()
	ctx := context.Background()
	is, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: newKey(), Subject: "alice"})
	if err != nil {
		panic(err)
	}
	if err := c.Revoke(ctx, p, is.Cert.SerialNumber, stepca.ReasonKeyCompromise, "lost laptop"); err != nil {
		panic(err)
	}
	crl, err := c.FetchCRL(ctx, is.Intermediates)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(crl.List.RevokedCertificateEntries), crl.Issuer.Subject.CommonName)
	// Output: 1 Fake Intermediate CA
}

func ExampleClient_FetchCRL() {
	f, c, _, done := exampleCA()
	defer done()
	crl, err := c.FetchCRL(context.Background(), []*x509.Certificate{f.inter})
	if err != nil {
		panic(err)
	}
	fmt.Println(crl.List.Issuer.CommonName, len(crl.List.RevokedCertificateEntries))
	// Output: Fake Intermediate CA 0
}

// SignRequest signs a request made elsewhere, for exactly the names it holds.
func ExampleClient_SignRequest() {
	_, c, p, done := exampleCA()
	defer done()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "db.example.com"}, DNSNames: []string{"db.example.com", "db"}}, newKey())
	if err != nil {
		panic(err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		panic(err)
	}
	is, err := c.SignRequest(context.Background(), p, csr)
	if err != nil {
		panic(err)
	}
	fmt.Println(is.Cert.Subject.CommonName, is.Cert.DNSNames)
	// Output: db.example.com [db.example.com db]
}

func ExampleHinted() {
	err := stepca.Hinted(&stepca.PasswordError{Provisioner: "admin"})
	var he *hint.Error
	if errors.As(err, &he) {
		fmt.Println(err)
		fmt.Println("hint:", he.Hints[0])
	}
	// Output:
	// stepca: the password does not decrypt the key of provisioner "admin"
	// hint: check the password source given with --provisioner-pass; only its first line is used
}
