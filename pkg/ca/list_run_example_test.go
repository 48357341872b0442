package ca_test

import (
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleList() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	open := func() (*ca.CA, error) { return c, nil }
	note, _ := ca.List(os.Stdout, ca.ListOptions{OpenCA: open, Now: exampleNow})
	fmt.Println(note != "")
	issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	note, _ = ca.List(os.Stdout, ca.ListOptions{CN: "bob", OpenCA: open, Now: exampleNow})
	fmt.Println(note != "")
	_, err := ca.List(os.Stdout, ca.ListOptions{Revoked: true, Expiring: 30, OpenCA: open, Now: exampleNow})
	fmt.Println(err)
	// Output:
	// true
	// true
	// --revoked and --expiring select different certificates: --expiring lists valid ones
}
