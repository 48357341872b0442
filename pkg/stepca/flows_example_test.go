package stepca_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
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

// A Signer certifies through the step-ca as ca.DirSigner does from a CA
// directory: the key stays here.
func ExampleSigner() {
	_, c, p, done := exampleCA()
	defer done()
	s := &stepca.Signer{Ctx: context.Background(),
		Connect:     func() (*stepca.Client, error) { return c, nil },
		Provisioner: func(*stepca.Client) (*stepca.Provisioner, error) { return p, nil }}
	if _, err := s.Open(); err != nil {
		panic(err)
	}
	chain, is, err := s.Sign(ca.Order{Profile: selfsign.ClientLeaf, Names: []string{"alice"}, Key: newKey()})
	if err != nil {
		panic(err)
	}
	fmt.Println(is.Cert.Subject.CommonName, "under", chain.Cert.Subject.CommonName)
	// Output: alice under Fake Intermediate CA
}

// RenewClient renews a bundle written before with the bundle's own key.
func ExampleRenewClient() {
	_, c, p, done := exampleCA()
	defer done()
	is, key := exampleIssued(c, p)
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	r, err := stepca.RenewClient(context.Background(), stepca.RenewClientOptions{Role: "alice", Dir: dir,
		ReadFile: func(string) ([]byte, error) { return ca.PEM(is.Cert, is.Intermediates[0]), nil },
		Key:      func(string) (*keys.Key, error) { return &keys.Key{Signer: key}, nil },
		Connect:  func() (*stepca.Client, error) { return c, nil },
		Write:    ca.BundleWrite{Force: true, Mkdir: func(string, ca.FileOwner) error { return nil }, Reporter: silentReporter{}},
		Owner:    func(string) ca.FileOwner { return ca.FileOwner{} }})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Role, len(r.Files), r.Serial != r.OldSerial)
	// Output: alice 3 true
}

func ExampleRenewedClient_WriteText() {
	r := stepca.RenewedClient{URL: "https://ca.example:9000", BundleRenewal: ca.BundleRenewal{OldSerial: "6F07",
		BundleReport: ca.BundleReport{ClientBundle: ca.ClientBundle{Role: "alice", Serial: "7A10", NotAfter: "2027-01-01T00:00:00Z"}}}}
	r.WriteText(os.Stdout)
	// Output: renewed the client certificate of "alice" with the step-ca https://ca.example:9000: 7A10 (was 6F07), until 2027-01-01
}

// Revoke asks for the provisioner only once the certificate is read.
func ExampleRevoke() {
	_, c, p, done := exampleCA()
	defer done()
	is, _ := exampleIssued(c, p)
	r, err := stepca.Revoke(context.Background(), stepca.RevokeArgs{CertFile: "alice.crt", Reason: ca.ReasonKeyCompromise,
		ReadFile:    func(string) ([]byte, error) { return ca.PEM(is.Cert, is.Intermediates[0]), nil },
		Connect:     func() (*stepca.Client, error) { return c, nil },
		Provisioner: func(*stepca.Client) (*stepca.Provisioner, error) { return p, nil }})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Subject, r.Reason)
	// Output: CN=alice keyCompromise
}

func ExampleNextAfterRevoke() {
	fmt.Println(stepca.NextAfterRevoke("/srv/pg data"))
	// Output: the server refuses it once it has step-ca's new CRL: pgcert renew -D '/srv/pg data' --reload
}

// Home is beside the default CA directory, where init puts client bundles.
func ExampleSigner_Home() {
	s := &stepca.Signer{DefaultCADir: func() (string, error) { return "/root/.local/share/pgcert/ca", nil }}
	home, _ := s.Home()
	fmt.Println(home, s.RootCertFile() == "")
	// Output: /root/.local/share/pgcert true
}

// Sign issues a server certificate for the hosts, the first its Common Name; an
// IPv6 literal loses its brackets. RootCertFile is "": no file of the step-ca's
// root is kept.
func ExampleSigner_Sign() {
	_, c, p, done := exampleCA()
	defer done()
	s := &stepca.Signer{Ctx: context.Background(),
		Connect:     func() (*stepca.Client, error) { return c, nil },
		Provisioner: func(*stepca.Client) (*stepca.Provisioner, error) { return p, nil }}
	if _, err := s.Open(); err != nil {
		panic(err)
	}
	_, is, err := s.Sign(ca.Order{Profile: selfsign.ServerLeaf, Names: []string{"db.example.com", "[::1]"}, Key: newKey()})
	if err != nil {
		panic(err)
	}
	fmt.Println(is.Cert.Subject.CommonName, is.Cert.DNSNames, is.Cert.IPAddresses)
	fmt.Printf("%q\n", s.RootCertFile())
	// Output:
	// db.example.com [db.example.com] [::1]
	// ""
}
