package crl_test

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
)

func ExampleParseFile() {
	_, err := crl.ParseFile("empty.crl", []byte("no CRL here\n"))
	fmt.Println(err)
	var h *hint.Error
	if errors.As(err, &h) {
		fmt.Println("hint:", h.Hints[0])
	}
	// Output:
	// empty.crl: crl: neither PEM nor a single DER CRL
	// hint: a CRL file is PEM (-----BEGIN X509 CRL-----, any number of them) or one DER CRL, as openssl crl writes it
}

func ExampleCheckCAs() {
	root, rootKey := exampleCA("Example Root")
	other, _ := exampleCA("Example Other")
	inputs := []crl.Input{{CRL: exampleCRL(root, rootKey, 1, exampleNow, 180), File: "root.crl"}}
	cas := []chain.Input{{Cert: root, File: "root.crt"}, {Cert: other, File: "other.crt"}}
	_, err := crl.CheckCAs(inputs, cas, "--ca", exampleNow, false)
	fmt.Println(strings.ReplaceAll(err.Error(), ": ", ":\n"))
	// Output:
	// no CRL for the CA CN = Example Other (from other.crt):
	// PostgreSQL would then reject every client certificate:
	// tlsv1 alert unknown ca
}

func ExampleCheckError_Explain() {
	cert, key := exampleCA("Example CA")
	inputs := []crl.Input{{CRL: exampleCRL(cert, key, 1, exampleNow.AddDate(0, 0, -40), 30), File: "old.crl"}}
	_, err := crl.Current(inputs, exampleNow, false)
	var ce *crl.CheckError
	if errors.As(err, &ce) {
		err = ce.Explain(nil, "", "make a current CRL with pgcert crl gen")
		var h *hint.Error
		errors.As(err, &h)
		fmt.Println(h.Hints[0])
	}
	// Output:
	// make a current CRL with pgcert crl gen
}

func ExampleDirPlan_Refusal() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	cert, key := exampleCA("Example CA")
	plan, _ := crl.PlanDir(dir, []*x509.RevocationList{exampleCRL(cert, key, 1, exampleNow, 180)})
	os.WriteFile(filepath.Join(dir, "00000000.r0"), []byte("stale"), 0o644)
	plan, _ = crl.PlanDir(dir, []*x509.RevocationList{exampleCRL(cert, key, 1, exampleNow, 180)})
	fmt.Println(strings.TrimPrefix(plan.Refusal().Error(), dir+" "))
	// Output:
	// already holds other CRLs: writing it would remove 00000000.r0 (no longer an input; OpenSSL would still read it); nothing was written
}
