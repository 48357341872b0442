package ca_test

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

var exampleNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// exampleCA creates a CA named "Example CA" in a new temporary directory.
func exampleCA(intermediate bool) (c *ca.CA, cleanup func()) {
	dir, err := os.MkdirTemp("", "pgcert-example")
	if err != nil {
		panic(err)
	}
	c, err = ca.Create(filepath.Join(dir, "ca"), ca.CreateOptions{CommonName: "Example CA", Intermediate: intermediate, Now: exampleNow})
	if err != nil {
		panic(err)
	}
	return c, func() { os.RemoveAll(dir) }
}

// issue has c issue a certificate of profile for cn, with a new key.
func issue(c *ca.CA, profile selfsign.Profile, cn string, sans selfsign.SANs) (*ca.Issued, crypto.Signer) {
	key, err := keys.Generate(keys.GenerateOptions{})
	if err != nil {
		panic(err)
	}
	is, err := c.Issue(ca.Request{
		Profile:   profile,
		Subject:   pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn}}},
		SANs:      sans,
		PublicKey: key.Public(),
		Now:       exampleNow,
	})
	if err != nil {
		panic(err)
	}
	return is, key
}

func ExampleCA_ChainCRLs() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	pemData, sums, err := c.ChainCRLs(ca.CRLOptions{Now: exampleNow})
	if err != nil {
		panic(err)
	}
	for _, s := range sums {
		fmt.Println(s)
	}
	fmt.Println(strings.Count(string(pemData), "-----BEGIN X509 CRL-----"), "CRLs in the file")
	// Output:
	// CRL of CN = Example CA Intermediate, number 1, 0 revoked certificates, next update 2026-06-30T00:00:00Z
	// CRL of CN = Example CA, number 1, 0 revoked certificates, next update 2026-06-30T00:00:00Z
	// 2 CRLs in the file
}

func ExampleSignIndexCRL() {
	key, err := keys.Generate(keys.GenerateOptions{})
	if err != nil {
		panic(err)
	}
	der, err := selfsign.Build(selfsign.Spec{Profile: selfsign.RootCA, Subject: pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "Old CA"}}}, Now: exampleNow}, nil, key, key.Public())
	if err != nil {
		panic(err)
	}
	certs, err := chain.ParseCertificates(der)
	if err != nil {
		panic(err)
	}
	// An openssl ca database: one valid certificate, one revoked for key compromise.
	index := "V\t270101000000Z\t\t1001\tunknown\t/CN=alice\n" +
		"R\t270101000000Z\t251201000000Z,keyCompromise\t1002\tunknown\t/CN=bob\n"
	res, err := ca.SignIndexCRL(strings.NewReader(index), ca.IndexCRLOptions{
		Issuer: certs[0], Signer: key, Number: big.NewInt(7), Now: exampleNow, Days: 30,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Signed.Entries, "entry, number", res.Signed.Number, "until", res.Signed.NextUpdate.Format(time.DateOnly), "clock behind:", res.ClockBehind)
	// Output: 1 entry, number 7 until 2026-01-31 clock behind: false
}

func ExampleReadCRLNumber() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "crlnumber")

	n, created, _ := ca.ReadCRLNumber(path, false)
	fmt.Println(n, created)
	if err := ca.AdvanceCRLNumber(path, n); err != nil {
		panic(err)
	}
	n, created, _ = ca.ReadCRLNumber(path, true)
	fmt.Println(n, created)
	// Output:
	// 1 true
	// 2 false
}

func ExampleAdvanceCRLNumber() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "crlnumber")
	if err := ca.AdvanceCRLNumber(path, big.NewInt(0x1a)); err != nil {
		panic(err)
	}
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output: 1B
}

func ExampleClientPaths() {
	for _, p := range ca.ClientPaths("/home/alice/.postgresql", true) {
		fmt.Println(p)
	}
	// Output:
	// /home/alice/.postgresql/postgresql.crt
	// /home/alice/.postgresql/postgresql.key
	// /home/alice/.postgresql/root.crt
	// /home/alice/.postgresql/postgresql.pk8
}

func ExampleCheckClientDir() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600)

	err := ca.CheckClientDir(filepath.Join(dir, "clients", "alice"), "")
	fmt.Println(strings.ReplaceAll(err.Error(), dir, "PGDATA"))
	fmt.Println(ca.CheckClientDir("/home/alice/.postgresql", ""))
	// A directory pgcert init is about to make a data directory.
	err = ca.CheckClientDir("/srv/new/clients", "/srv/new")
	fmt.Println(err)
	// Output:
	// ca: the client bundle directory PGDATA/clients/alice is inside the data directory PGDATA
	// <nil>
	// ca: the client bundle directory /srv/new/clients is inside the data directory /srv/new
}

func ExampleCA_ClientBundle() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	is, key := issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	b, err := c.ClientBundle(is, key, "alice", "/home/alice/.postgresql", "db.example.com", false)
	if err != nil {
		panic(err)
	}
	for _, f := range b.Files {
		fmt.Printf("%s %04o\n", filepath.Base(f.Path), f.Mode)
	}
	fmt.Println(b.ConnString)
	// Output:
	// postgresql.crt 0644
	// postgresql.key 0600
	// root.crt 0644
	// host=db.example.com sslmode=verify-full sslcert=/home/alice/.postgresql/postgresql.crt sslkey=/home/alice/.postgresql/postgresql.key sslrootcert=/home/alice/.postgresql/root.crt user=alice dbname=postgres
}

func ExampleConnValue() {
	fmt.Println(ca.ConnValue("/home/alice/.postgresql/root.crt"))
	fmt.Println(ca.ConnValue("/srv/my certs/root.crt"))
	fmt.Println(ca.ConnValue(""))
	// Output:
	// /home/alice/.postgresql/root.crt
	// '/srv/my certs/root.crt'
	// ''
}

func ExampleCA_ServerChain() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	is, _ := issue(c, selfsign.ServerLeaf, "db.example.com", selfsign.SANs{DNS: []string{"db.example.com"}})
	certs, err := chain.ParseCertificates(c.ServerChain(is.Cert, false))
	if err != nil {
		panic(err)
	}
	for _, cert := range certs {
		fmt.Println(cert.Subject.CommonName)
	}
	// Output:
	// db.example.com
	// Example CA Intermediate
	// Example CA
}

func ExampleCA_Summary() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	s := c.Summary()
	fmt.Println(s.Root.Subject, "until", s.Root.NotAfter)
	fmt.Println(s.Intermediate.Subject, "until", s.Intermediate.NotAfter)
	fmt.Println("encrypted:", s.KeyEncrypted)
	// Output:
	// CN = Example CA until 2035-12-30T00:00:00Z
	// CN = Example CA Intermediate until 2030-12-31T00:00:00Z
	// encrypted: false
}

func ExampleCA_Listing() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	bob, _ := issue(c, selfsign.ClientLeaf, "bob", selfsign.SANs{})
	if _, err := c.Revoke(bob.Cert.SerialNumber, ca.ReasonKeyCompromise, exampleNow); err != nil {
		panic(err)
	}
	l, err := c.Listing(exampleNow.AddDate(3, 0, 0))
	if err != nil {
		panic(err)
	}
	for _, lc := range l.Certificates {
		fmt.Println(lc.Status, lc.Subject, lc.Serial == ca.SerialHex(bob.Cert.SerialNumber.Bytes()))
	}
	// Output:
	// expired /CN=alice false
	// revoked /CN=bob true
}

func ExampleCA_RevokeCert() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	alice, _ := issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	rv, err := c.RevokeCert(alice.Cert, ca.ReasonSuperseded, exampleNow)
	if err != nil {
		panic(err)
	}
	fmt.Println(rv.Report().Subject, rv.Report().Reason)

	other, cleanupOther := exampleCA(false)
	defer cleanupOther()
	stranger, _ := issue(other, selfsign.ClientLeaf, "eve", selfsign.SANs{})
	_, err = c.RevokeCert(stranger.Cert, ca.ReasonNone, exampleNow)
	fmt.Println(err)
	// Output:
	// /CN=alice superseded
	// ca: the certificate was not issued by this CA
}

func ExampleRevocation_Report() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	alice, _ := issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	rv, err := c.Revoke(alice.Cert.SerialNumber, ca.ReasonKeyCompromise, exampleNow)
	if err != nil {
		panic(err)
	}
	r := rv.Report()
	fmt.Println(r.Subject, r.Reason, r.RevokedAt, r.CADir == c.Dir)
	// Output: /CN=alice keyCompromise 2026-01-01T00:00:00Z true
}

func ExampleParseSerial() {
	for _, s := range []string{"6F07A1", "6f:07:a1", "0x6F07A1", "not hex"} {
		n, ok := ca.ParseSerial(s)
		fmt.Println(n, ok)
	}
	// Output:
	// 7276449 true
	// 7276449 true
	// 7276449 true
	// <nil> false
}

func ExampleCRLSigner() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	key, err := keys.Generate(keys.GenerateOptions{})
	if err != nil {
		panic(err)
	}
	// A chain file: the intermediate first, then the root. The root's key picks the
	// root.
	signer, err := ca.CRLSigner(c.Chain(), c.Parent.Cert.PublicKey)
	fmt.Println(signer.Subject.CommonName, err)
	_, err = ca.CRLSigner(c.Chain(), key.Public())
	fmt.Println(err)
	// Output:
	// Example CA <nil>
	// ca: no certificate carries the key
}

func ExampleCheckCADir() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	pgdata := filepath.Join(dir, "pgdata")
	// pgdata is not a data directory yet, but pgcert init is about to make it one.
	err := ca.CheckCADir(filepath.Join(pgdata, "ca"), pgdata)
	fmt.Println(strings.ReplaceAll(err.Error(), dir, "DIR"))
	fmt.Println(ca.CheckCADir(filepath.Join(dir, "ca"), pgdata))
	// Output:
	// ca: DIR/pgdata/ca is inside the PostgreSQL data directory DIR/pgdata
	// <nil>
}

func ExampleServerRequest() {
	key, _ := keys.Generate(keys.GenerateOptions{})
	r, err := ca.ServerRequest([]string{"db.example.com", "10.0.0.5", "[::1]"}, key.Public())
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Subject, r.SANs)
	_, err = ca.ServerRequest([]string{"bad host"}, key.Public())
	fmt.Println(err != nil)
	// Output:
	// CN=db.example.com DNS:db.example.com,IP:10.0.0.5,IP:::1
	// true
}

func ExampleClientRequest() {
	key, _ := keys.Generate(keys.GenerateOptions{})
	r := ca.ClientRequest("alice", key.Public())
	fmt.Println(r.Subject, r.Profile == selfsign.ClientLeaf)
	// Output: CN=alice true
}

func ExampleCSRRequest() {
	key, _ := keys.Generate(keys.GenerateOptions{})
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{}, key)
	if err != nil {
		panic(err)
	}
	csr, _ := x509.ParseCertificateRequest(der)
	_, err = ca.CSRRequest(csr, selfsign.ClientLeaf)
	fmt.Println(err)
	r, err := ca.CSRRequest(csr, selfsign.ServerLeaf)
	fmt.Println(r.Profile == selfsign.ServerLeaf, err)
	// Output:
	// ca: the request has no Common Name, so the certificate would name no role
	// true <nil>
}

func ExampleCA_IssuedReport() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	is, _ := issue(c, selfsign.ServerLeaf, "db.example.com", selfsign.SANs{DNS: []string{"db.example.com"}})
	r := c.IssuedReport(is)
	fmt.Println(r.Subject, r.SANs, r.NotAfter, filepath.Base(r.Copy) == r.Serial+".pem")
	// Output: CN = db.example.com DNS:db.example.com 2028-04-05T00:00:00Z true
}

func ExampleCA_Files() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	for _, p := range c.Files() {
		rel, _ := filepath.Rel(c.Dir, p)
		fmt.Println(rel)
	}
	// Output:
	// ca.crt
	// private/ca.key
	// index.txt
	// index.txt.attr
	// serial
	// crlnumber
	// openssl.cnf
	// root/ca.crt
	// root/private/ca.key
	// root/index.txt
	// root/index.txt.attr
	// root/serial
	// root/crlnumber
	// root/openssl.cnf
}

func ExampleIssued_ClampNote() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	key, _ := keys.Generate(keys.GenerateOptions{})
	is, err := c.Issue(ca.Request{
		Profile:   selfsign.ServerLeaf,
		Subject:   pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "db.example.com"}}},
		SANs:      selfsign.SANs{DNS: []string{"db.example.com"}},
		PublicKey: key.Public(),
		Now:       exampleNow,
		Days:      9000, // longer than the CA lives
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(is.ClampNote())
	// Output: the certificate's validity was cut to the CA's: it expires on 2035-12-30, with Example CA
}
