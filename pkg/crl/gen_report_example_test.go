package crl_test

import (
	"os"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

func ExampleGenReport_WriteText() {
	r := &crl.GenReport{
		File: &fsutil.FileReport{Path: "/srv/pg/root.crl"},
		CRLs: []crl.Summary{{Issuer: "CN = Example CA", Number: "2", Entries: 1, NextUpdate: "2026-07-01T00:00:00Z"}},
	}
	r.WriteText(os.Stdout)
	(&crl.GenReport{}).WriteText(os.Stdout)
	// Output:
	// wrote /srv/pg/root.crl:
	//   CRL of CN = Example CA, number 2, 1 revoked certificate, next update 2026-07-01T00:00:00Z
}
