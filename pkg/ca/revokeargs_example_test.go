package ca_test

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleReasonFlag() {
	r, _ := ca.ReasonFlag("keycompromise")
	fmt.Println(r)
	_, err := ca.ReasonFlag("lost")
	fmt.Println(err)
	// Output:
	// keyCompromise
	// --reason lost: want one of keyCompromise, CACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, removeFromCRL, unspecified
}

func ExampleSerialArg() {
	n, _ := ca.SerialArg("6F:07")
	fmt.Println(ca.SerialHex(n.Bytes()))
	_, err := ca.SerialArg("alice")
	fmt.Println(err)
	// Output:
	// 6F07
	// "alice" is not a serial number in hexadecimal (as pgcert ca list prints it)
}

// Without a certificate file, RevokeTarget reads the serial and no file.
func ExampleRevokeTarget() {
	read := func(string) ([]byte, error) { return nil, errors.New("not read") }
	certs, n, err := ca.RevokeTarget("", "1001", read)
	fmt.Println(len(certs), ca.SerialHex(n.Bytes()), err)
	_, _, err = ca.RevokeTarget("alice.crt", "", func(string) ([]byte, error) { return []byte("junk"), nil })
	fmt.Println(err != nil)
	// Output:
	// 0 1001 <nil>
	// true
}

func ExampleReasonNames() {
	fmt.Println(ca.ReasonNames()[:3])
	// Output: [unspecified keyCompromise CACompromise]
}

func ExampleCheckRevokeArgs() {
	fmt.Println(ca.CheckRevokeArgs(1, false))
	fmt.Println(ca.CheckRevokeArgs(1, true))
	// Output:
	// <nil>
	// give a serial number or --cert, not both
}

// RevokeNamed revokes by serial and says how the revocation reaches servers.
func ExampleRevokeNamed() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	is, _ := issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	r, err := ca.RevokeNamed(ca.RevokeNamedOptions{Serial: ca.SerialHex(is.Cert.SerialNumber.Bytes()), Reason: ca.ReasonSuperseded,
		OpenCA: func() (*ca.CA, error) { return c, nil }, Now: exampleNowFunc})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Subject, r.Reason, len(r.Next) > 0)
	// Output: /CN=alice superseded true
}

// Without -D, or with --ca-dir, no step-ca record is read.
func ExampleStepRecordFor() {
	fmt.Println(ca.StepRecordFor("", "") == nil, ca.StepRecordFor("/var/lib/postgresql/15/main", "/srv/ca") == nil)
	// Output: true true
}
