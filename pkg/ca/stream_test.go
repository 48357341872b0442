package ca_test

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestChainCRLStreamIsMergedFile: the streamed file is the one crl.Merge writes of
// the same CRLs parsed back (what ChainCRLs used to do), and the summaries are what
// crl.Summarize says of them.
func TestChainCRLStreamIsMergedFile(t *testing.T) {
	c, cleanup := exampleCA(true)
	defer cleanup()
	bob, _ := issue(c, selfsign.ClientLeaf, "bob", selfsign.SANs{})
	if _, err := c.Revoke(bob.Cert.SerialNumber, ca.ReasonKeyCompromise, exampleNow); err != nil {
		t.Fatal(err)
	}
	cc, err := c.ChainCRLStream(ca.CRLOptions{Now: exampleNow})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := cc.WriteTo(&got); err != nil {
		t.Fatal(err)
	}
	parsed, err := crl.ParseCRLs(got.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cas := c.CAs()
	m, err := crl.Merge(parsed, []*x509.Certificate{cas[0].Cert, cas[1].Cert}, exampleNow, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := m.PEM(); !bytes.Equal(got.Bytes(), want) {
		t.Errorf("streamed file:\n%s\nMerge writes:\n%s", got.Bytes(), want)
	}
	sums := cc.Summaries()
	if len(sums) != 2 || sums[0] != crl.Summarize(parsed[0]) || sums[1] != crl.Summarize(parsed[1]) || sums[0].Entries != 1 {
		t.Errorf("summaries %+v", sums)
	}
	// crl.pem of the issuing CA is its CRL of the file.
	saved, err := os.ReadFile(c.Dir + "/" + ca.CRLFile)
	if err != nil {
		t.Fatal(err)
	}
	if first, _ := crl.ParseCRLs(saved); len(first) != 1 || !bytes.Equal(first[0].Raw, parsed[0].Raw) {
		t.Error("crl.pem is not the issuing CA's CRL of the file")
	}
}

func ExampleCA_ChainCRLStream() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	cc, err := c.ChainCRLStream(ca.CRLOptions{Now: exampleNow})
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	if _, err := cc.WriteTo(&b); err != nil {
		panic(err)
	}
	for _, s := range cc.Summaries() {
		fmt.Println(s)
	}
	fmt.Println(strings.Split(b.String(), "\n")[0])
	// Output:
	// CRL of CN = Example CA Intermediate, number 1, 0 revoked certificates, next update 2026-06-30T00:00:00Z
	// CRL of CN = Example CA, number 1, 0 revoked certificates, next update 2026-06-30T00:00:00Z
	// # issuer: CN=Example CA Intermediate; number: 1; next update: 2026-06-30T00:00:00Z
}

func ExampleCA_ScanListing() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	issue(c, selfsign.ClientLeaf, "app-1", selfsign.SANs{})
	issue(c, selfsign.ClientLeaf, "db-1", selfsign.SANs{})
	bob, _ := issue(c, selfsign.ClientLeaf, "app-2", selfsign.SANs{})
	if _, err := c.Revoke(bob.Cert.SerialNumber, ca.ReasonSuperseded, exampleNow); err != nil {
		panic(err)
	}
	for _, f := range []ca.ListFilter{{CN: "app-*"}, {Revoked: true}, {ExpiringBy: exampleNow.AddDate(5, 0, 0)}} {
		var subjects []string
		err := c.ScanListing(exampleNow, f, func(lc *ca.ListedCert) error {
			subjects = append(subjects, lc.Subject)
			return nil
		})
		if err != nil {
			panic(err)
		}
		fmt.Println(strings.Join(subjects, " "))
	}
	// Output:
	// /CN=app-1 /CN=app-2
	// /CN=app-2
	// /CN=app-1 /CN=db-1
}
