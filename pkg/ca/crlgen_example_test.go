package ca_test

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
)

func ExampleGenerateCRL() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	res, err := ca.GenerateCRL(ca.GenCRLOptions{
		CADir: c.Dir, Days: 30, Out: filepath.Join(filepath.Dir(c.Dir), "root.crl"),
		Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(filepath.Base(res.Written.Path))
	for _, s := range res.Report.CRLs {
		fmt.Println(s.Issuer, s.NextUpdate)
	}
	// Output:
	// root.crl
	// CN = Example CA Intermediate 2026-01-31T00:00:00Z
	// CN = Example CA 2026-01-31T00:00:00Z
}

func ExampleGenCRLOptions_Validate() {
	err := ca.GenCRLOptions{Index: "demoCA/index.txt", CACert: "demoCA/cacert.pem"}.Validate()
	fmt.Println(err)
	err = ca.GenCRLOptions{CADir: "ca", Index: "demoCA/index.txt"}.Validate()
	fmt.Println(err)
	// Output:
	// --index (or --serials), --ca-cert and --ca-key go together: --ca-key missing
	// give --ca-dir (or -D), or --index (or --serials) with --ca-cert and --ca-key, not both
}
