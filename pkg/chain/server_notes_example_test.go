package chain_test

import (
	"fmt"

	"github.com/pgcert/pgcert/pkg/chain"
)

func ExampleServerChain_Notes() {
	pile, key, cleanup := examplePile()
	defer cleanup()
	plan, err := chain.PlanServerChain(pile, chain.ServerOptions{Now: exampleNow, Key: key})
	if err != nil {
		panic(err)
	}
	for _, n := range plan.Notes() {
		fmt.Println(n.Warning, n.Text)
	}
	// Output:
	// true dropped 1 duplicate: CN=Example CA Intermediate (intermediate.crt)
}
