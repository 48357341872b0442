package crl_test

import (
	"crypto/x509"
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/crl"
)

func ExampleNewMergeReport() {
	root, rootKey := exampleCA("Example Root")
	inputs := []crl.Input{
		{CRL: exampleCRL(root, rootKey, 1, exampleNow, 180), File: "old.crl"},
		{CRL: exampleCRL(root, rootKey, 2, exampleNow, 180, 0x1001), File: "new.crl"},
	}
	checked, err := crl.Check(inputs, []*x509.Certificate{root}, exampleNow, false)
	if err != nil {
		panic(err)
	}
	r := crl.NewMergeReport(checked)
	r.File.Path = "/srv/pg/root.crl"
	r.WriteText(os.Stdout)
	fmt.Println("left out the older", r.Superseded[0])
	// Output:
	// wrote /srv/pg/root.crl with 1 CRL:
	//   CRL of CN = Example Root, number 2, 1 revoked certificate, next update 2026-06-30T00:00:00Z (from new.crl)
	// left out the older CRL of CN = Example Root, number 1, 0 revoked certificates, next update 2026-06-30T00:00:00Z (from old.crl)
}
