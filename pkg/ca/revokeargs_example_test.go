package ca_test

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/ca"
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
