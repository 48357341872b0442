package chain_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

// textPile makes a root, a leaf it signs, and inputs holding the leaf, the
// root and a copy of the root, as files a user might give.
func textPile() []chain.Input {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	leaf, _ := exampleCert("db.example.com", []string{"db.example.com"}, root, rootKey)
	return []chain.Input{{Cert: leaf, File: "server.crt"}, {Cert: root, File: "root.crt"}, {Cert: root, File: "ca.pem"}}
}

func ExampleRefs() {
	for _, r := range chain.Refs(textPile()[:2]) {
		fmt.Println(r.Subject, r.File, len(r.SHA256))
	}
	// Output:
	// CN=db.example.com server.crt 95
	// CN=Example Root root.crt 95
}

func ExampleList() {
	fmt.Println(chain.List(textPile()[:2]))
	// Output:
	// CN=db.example.com (server.crt); CN=Example Root (root.crt)
}

func ExampleShortList() {
	var many []chain.Input
	for range chain.MaxListed + 2 {
		many = append(many, textPile()[1])
	}
	fmt.Println(chain.ShortList(many)[len(chain.List(many[:chain.MaxListed])):])
	// Output:
	// ; and 2 more (--json lists them all)
}

func ExampleDroppedDuplicates() {
	fmt.Println(chain.DroppedDuplicates(textPile()[2:]))
	// Output:
	// dropped 1 duplicate: CN=Example Root (ca.pem)
}

func ExampleInput_Expiry() {
	in := textPile()[0]
	fmt.Println(in.Expiry(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)))
	fmt.Println(in.Expiry(time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)))
	// Output:
	// expires 2027-01-01
	// expired 2027-01-01
}

func ExampleErrorText() {
	fmt.Println(chain.ErrorText(errors.New("chain: CN=x (a.pem) has expired")))
	// Output:
	// CN=x (a.pem) has expired
}

func ExamplePath_WriteText() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	plan, err := chain.PlanServerChain(textPile(), chain.ServerOptions{Now: now})
	if err != nil {
		panic(err)
	}
	plan.WriteText(os.Stdout, plan.Written(), now)
	// Output:
	//   leaf  CN=db.example.com (server.crt), expires 2027-01-01
	//   root  CN=Example Root (root.crt), expires 2027-01-01, not written
}

func ExampleServerChain_Report() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	plan, err := chain.PlanServerChain(textPile(), chain.ServerOptions{Now: now})
	if err != nil {
		panic(err)
	}
	r := plan.Report(fsutil.FileReport{Path: "server.crt", Mode: "0644"})
	fmt.Println(r.Complete, r.RootWritten, len(r.Certificates), r.Certificates[1].Role, r.Certificates[1].Written, len(r.Duplicates))
	// Output:
	// true false 2 root false 1
}

func ExampleServerChain_Refusal() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	other, _ := exampleCert("Other Root", nil, nil, nil)
	plan, err := chain.PlanServerChain(textPile()[:2], chain.ServerOptions{Now: now, Roots: []chain.Input{{Cert: other, File: "trusted.crt"}}})
	if err != nil {
		panic(err)
	}
	err = plan.Refusal()
	fmt.Println(err)
	for _, h := range err.(*hint.Error).Hints {
		fmt.Println("hint:", h)
	}
	// Output:
	// the chain ends at the root CN=Example Root (root.crt), which is not among the --root certificates: clients that trust only those would refuse it
	// hint: give with --root the root the clients trust; the chain must reach it
	// hint: nothing was written
}

func ExampleExplain() {
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	plan, err := chain.PlanServerChain(textPile()[:2], chain.ServerOptions{Now: now})
	if err != nil {
		panic(err)
	}
	for _, p := range plan.Problems {
		msg, fix := chain.Explain(p, plan.Path)
		fmt.Println(msg)
		fmt.Println("fix:", fix)
	}
	// Output:
	// CN=db.example.com (server.crt) expired on 2027-01-01 (151 days ago)
	// fix: renew it, or add --allow-expired to write the chain all the same
	// CN=Example Root (root.crt) expired on 2027-01-01 (151 days ago)
	// fix: get the CA's current certificate, or add --allow-expired to write the chain all the same
}

func ExampleLeafError() {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	a, _ := exampleCert("a.example.com", []string{"a.example.com"}, root, rootKey)
	b, _ := exampleCert("b.example.com", []string{"b.example.com"}, root, rootKey)
	_, err := chain.PlanServerChain([]chain.Input{{Cert: a, File: "a.crt"}, {Cert: b, File: "b.crt"}}, chain.ServerOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	err = chain.LeafError(err, "")
	fmt.Println(err)
	fmt.Println(err.(*hint.Error).Hints[0])
	// Output:
	// cannot tell which certificate is the leaf: 2 are not CAs and issue no other: CN=a.example.com (a.crt); CN=b.example.com (b.crt)
	// give the server's private key with --key to pick its certificate
}
