package stepca_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// exampleIssued has the fake step-ca issue a client certificate for alice.
func exampleIssued(c *stepca.Client, p *stepca.Provisioner) (*stepca.Issued, crypto.Signer) {
	key := newKey()
	is, err := c.Issue(context.Background(), stepca.Request{Provisioner: p, Key: key, Subject: "alice"})
	if err != nil {
		panic(err)
	}
	return is, key
}

// IssuedOf reads a certificate file's certificates as the step-ca's: a copy of
// the root in the file is left out.
func ExampleClient_IssuedOf() {
	_, c, p, done := exampleCA()
	defer done()
	is, _ := exampleIssued(c, p)
	got := c.IssuedOf([]*x509.Certificate{is.Cert, is.Intermediates[0], c.Root})
	fmt.Println(got.Cert.Subject.CommonName, len(got.Intermediates))
	// Output: alice 1
}

func ExampleClient_Chain() {
	_, c, p, done := exampleCA()
	defer done()
	is, _ := exampleIssued(c, p)
	ch := c.Chain(is)
	fmt.Println(ch.Cert.Subject.CommonName, "under", ch.Root().Subject.CommonName)
	// Output: Fake Intermediate CA under Fake Root CA
}

func ExampleRevocation_WriteText() {
	r := stepca.Revocation{Serial: "6F07", Reason: "keyCompromise", CAURL: "https://ca.example:9000"}
	r.WriteText(os.Stdout)
	// Output: revoked 6F07, reason keyCompromise, at the step-ca https://ca.example:9000
}

// RevokeWith asks for the provisioner only once the certificate is known to be
// the CA's.
func ExampleClient_RevokeWith() {
	_, c, p, done := exampleCA()
	defer done()
	is, _ := exampleIssued(c, p)
	r, err := c.RevokeWith(context.Background(), stepca.RevokeOptions{
		Certs: []*x509.Certificate{is.Cert, is.Intermediates[0]}, CertFile: "alice.crt", Reason: ca.ReasonSuperseded,
		Provisioner: func() (*stepca.Provisioner, error) { return p, nil },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Subject, r.Reason)
	// Output: CN=alice superseded
}

// RenewBundle renews with the bundle's own key: no password.
func ExampleRenewBundle() {
	_, c, p, done := exampleCA()
	defer done()
	is, key := exampleIssued(c, p)
	rb, err := stepca.RenewBundle(context.Background(), stepca.RenewBundleOptions{
		Certs: []*x509.Certificate{is.Cert, is.Intermediates[0]}, CertFile: "postgresql.crt", Role: "alice",
		Key:     func() (crypto.Signer, error) { return key, nil },
		Connect: func() (*stepca.Client, error) { return c, nil },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(rb.Issued.Cert.Subject.CommonName, rb.Old.SerialNumber.Cmp(rb.Issued.Cert.SerialNumber) != 0)
	// Output: alice true
}

func ExampleClient_CheckRootKey() {
	_, c, _, done := exampleCA()
	defer done()
	fmt.Println(c.CheckRootKey(newKey(), "root_ca_key"))
	// Output: --root-key root_ca_key is not the key of the step-ca's root CN=Fake Root CA
}
