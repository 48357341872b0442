package ca_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/ca"
)

// New names the CA after the host unless told otherwise.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	c, err := ca.New(ca.NewOptions{Dir: filepath.Join(dir, "ca"), Create: ca.CreateOptions{Intermediate: true, Now: exampleNow},
		Hostname: func() (string, error) { return "db1.example.com", nil }})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Cert.Subject.CommonName, "under", c.Root().Subject.CommonName)
	// Output: pgcert CA db1.example.com Intermediate under pgcert CA db1.example.com
}

// AddIntermediate puts a second intermediate under the root of an existing CA.
func ExampleAddIntermediate() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	n, root, err := ca.AddIntermediate(ca.AddIntermediateOptions{Dir: filepath.Join(filepath.Dir(c.Dir), "replicas"), Days: 365,
		OpenCA: func() (*ca.CA, error) { return c, nil },
		Unlock: func(*ca.CA) error { return nil },
		Now:    exampleNowFunc})
	if err != nil {
		panic(err)
	}
	fmt.Println(n.Cert.Subject.CommonName, "under", root.Cert.Subject.CommonName)
	_, _, err = ca.AddIntermediate(ca.AddIntermediateOptions{Dir: "x", Days: 0,
		OpenCA: func() (*ca.CA, error) { return nil, errors.New("not opened") }})
	fmt.Println(err)
	// Output:
	// Example CA replicas under Example CA
	// --days 0: give a positive number of days
}
