package ca_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
)

func ExampleReadCRLNumberFile() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "crlnumber")
	_, _, err := ca.ReadCRLNumberFile(path, true)
	var h *hint.Error
	errors.As(err, &h)
	fmt.Println(h.Hints[0] == "check the path; to start numbering at 1: echo 01 > "+path)
	os.WriteFile(path, []byte("0A\n"), 0o644)
	n, created, _ := ca.ReadCRLNumberFile(path, true)
	fmt.Println(n, created)
	// Output:
	// true
	// 10 false
}

func ExampleCRLFiles_Explain() {
	files := ca.CRLFiles{Index: "demoCA/index.txt", CACert: "ca.crt", CAKey: "ca.key"}
	fmt.Println(files.Explain(crl.ErrUnsupportedKey) != nil)
	err := files.Explain(&ca.IndexScanError{Err: &crl.DuplicateSerialError{Serial: []byte{0x10}}})
	var h *hint.Error
	errors.As(err, &h)
	fmt.Println(err)
	fmt.Println(h.Hints[0])
	// Output:
	// true
	// demoCA/index.txt: crl: serial 10 is listed twice
	// a certificate is listed as revoked twice; remove one of the lines
}

func ExampleCRLFiles_ExplainSigner() {
	files := ca.CRLFiles{CACert: "server.crt", CAKey: "server.key"}
	fmt.Println(files.ExplainSigner(ca.ErrNotSignerCA))
	// Output:
	// server.crt is not a CA certificate (basicConstraints CA:TRUE is missing): OpenSSL refuses the CRLs it signs
}

func ExampleExplainIndex() {
	err := ca.ExplainIndex("index.txt", &ca.IndexError{Line: 3, Field: "serial", Err: errors.New("not hexadecimal")})
	var h *hint.Error
	fmt.Println(errors.As(err, &h))
	// Output:
	// true
}
