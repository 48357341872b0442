package chain_test

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

var exampleNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// examplePile makes a root, an intermediate and a server certificate for
// db.example.com, and returns them as a pile in the wrong order with a duplicate.
func examplePile() (pile []chain.Input, key any, cleanup func()) {
	dir, err := os.MkdirTemp("", "pgcert-example")
	if err != nil {
		panic(err)
	}
	c, err := ca.Create(filepath.Join(dir, "ca"), ca.CreateOptions{CommonName: "Example CA", Intermediate: true, Now: exampleNow})
	if err != nil {
		panic(err)
	}
	k, err := keys.Generate(keys.GenerateOptions{})
	if err != nil {
		panic(err)
	}
	is, err := c.Issue(ca.Request{
		Profile:   selfsign.ServerLeaf,
		Subject:   pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "db.example.com"}}},
		SANs:      selfsign.SANs{DNS: []string{"db.example.com"}},
		PublicKey: k.Public(),
		Now:       exampleNow,
	})
	if err != nil {
		panic(err)
	}
	pile = []chain.Input{
		{Cert: c.Cert, File: "ca-bundle.pem"},
		{Cert: c.Root(), File: "ca-bundle.pem"},
		{Cert: is.Cert, File: "server-only.crt"},
		{Cert: c.Cert, File: "intermediate.crt"},
	}
	return pile, k.Public(), func() { os.RemoveAll(dir) }
}

func ExamplePlanServerChain() {
	pile, key, cleanup := examplePile()
	defer cleanup()
	plan, err := chain.PlanServerChain(pile, chain.ServerOptions{Now: exampleNow, Key: key})
	if err != nil {
		panic(err)
	}
	for _, e := range plan.Elements() {
		fmt.Println(e.Role, e.Subject)
	}
	fmt.Println("problems:", len(plan.Problems), "root written:", plan.WithRoot, "duplicates:", len(plan.Duplicates))
	// Output:
	// leaf CN=db.example.com
	// intermediate CN=Example CA Intermediate
	// root CN=Example CA
	// problems: 0 root written: true duplicates: 1
}

// A chain that ends at a root the clients do not trust is refused.
func ExamplePlanServerChain_untrustedRoot() {
	pile, key, cleanup := examplePile()
	defer cleanup()
	other, _, cleanupOther := examplePile()
	defer cleanupOther()
	plan, err := chain.PlanServerChain(pile, chain.ServerOptions{Now: exampleNow, Key: key, Roots: other[1:2]})
	if err != nil {
		panic(err)
	}
	for _, p := range plan.Problems {
		fmt.Println(p)
	}
	// Output: chain: the chain ends at the root CN=Example CA (ca-bundle.pem), which is not among the trusted roots
}

func ExampleServerChain_PEM() {
	pile, key, cleanup := examplePile()
	defer cleanup()
	plan, _ := chain.PlanServerChain(pile, chain.ServerOptions{Now: exampleNow, Key: key, NoRoot: true})
	certs, _ := chain.ParseCertificates(plan.PEM())
	for _, c := range certs {
		fmt.Println(c.Subject.CommonName)
	}
	// Output:
	// db.example.com
	// Example CA Intermediate
}

func ExampleServerChain_Written() {
	pile, key, cleanup := examplePile()
	defer cleanup()
	plan, _ := chain.PlanServerChain(pile, chain.ServerOptions{Now: exampleNow, Key: key})
	fmt.Println(plan.Written(), "certificates")
	// Output: 3 certificates
}

func ExampleBundleRole() {
	pile, _, cleanup := examplePile()
	defer cleanup()
	for _, in := range pile[:2] {
		fmt.Println(chain.BundleRole(in), in.Cert.Subject.CommonName)
	}
	// Output:
	// intermediate Example CA Intermediate
	// root Example CA
}
