package crl_test

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

var exampleNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// exampleCA makes a self-signed CA named cn.
func exampleCA(cn string) (*x509.Certificate, crypto.Signer) {
	key, err := keys.Generate(keys.GenerateOptions{})
	if err != nil {
		panic(err)
	}
	der, err := selfsign.Build(selfsign.Spec{Profile: selfsign.RootCA, Subject: pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn}}}, Now: exampleNow}, nil, key, key.Public())
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return cert, key
}

// exampleCRL makes the CRL number n of a CA, issued at thisUpdate for days, with
// one revoked serial per entry.
func exampleCRL(cert *x509.Certificate, key crypto.Signer, n int64, thisUpdate time.Time, days int, entries ...int64) *x509.RevocationList {
	b := crl.NewBuilder()
	for _, e := range entries {
		if err := b.Add(crl.Entry{Serial: big.NewInt(e).Bytes(), RevocationTime: thisUpdate.Add(-time.Hour)}); err != nil {
			panic(err)
		}
	}
	s, err := b.Sign(crl.Params{Issuer: cert, Signer: key, Number: big.NewInt(n), ThisUpdate: thisUpdate, NextUpdate: thisUpdate.AddDate(0, 0, days)})
	if err != nil {
		panic(err)
	}
	lists, err := crl.ParseCRLs(s.DER())
	if err != nil {
		panic(err)
	}
	return lists[0]
}

func ExampleSummarize() {
	cert, key := exampleCA("Example CA")
	s := crl.Summarize(exampleCRL(cert, key, 3, exampleNow, 180, 0x1001, 0x1002))
	fmt.Println(s.Issuer, s.Number, s.Entries, s.NextUpdate)
	// Output: CN = Example CA 3 2 2026-06-30T00:00:00Z
}

func ExampleSummary_String() {
	fmt.Println(crl.Summary{Issuer: "CN = Example CA", Number: "3", Entries: 1, NextUpdate: "2026-06-30T00:00:00Z"})
	fmt.Println(crl.Summary{Issuer: "CN = Old CA"})
	// Output:
	// CRL of CN = Example CA, number 3, 1 revoked certificate, next update 2026-06-30T00:00:00Z
	// CRL of CN = Old CA, number (none), 0 revoked certificates, next update (none)
}

func ExampleIssuerName() {
	cert, _ := exampleCA("Example CA")
	fmt.Println(crl.IssuerName(cert.RawSubject, cert.Subject.String()))
	fmt.Println(crl.IssuerName([]byte("not DER"), "the fallback"))
	// Output:
	// CN = Example CA
	// the fallback
}

// Check refuses a set in which a CA of the chain has no CRL: the server would then
// reject every client certificate under it.
func ExampleCheck() {
	root, rootKey := exampleCA("Example Root")
	other, _ := exampleCA("Example Other")
	inputs := []crl.Input{
		{CRL: exampleCRL(root, rootKey, 1, exampleNow, 180), File: "old.crl"},
		{CRL: exampleCRL(root, rootKey, 2, exampleNow, 180, 0x1001), File: "new.crl"},
	}
	checked, err := crl.Check(inputs, []*x509.Certificate{root}, exampleNow, false)
	if err != nil {
		panic(err)
	}
	for _, c := range checked.Merged.CRLs {
		fmt.Println("kept", checked.Source[c])
	}

	_, err = crl.Check(inputs, []*x509.Certificate{root, other}, exampleNow, false)
	var ce *crl.CheckError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Println(p.Kind == crl.NoCRL, p.Issuer)
		}
	}
	// Output:
	// kept new.crl
	// true CN = Example Other
}

func ExampleCurrent() {
	cert, key := exampleCA("Example CA")
	inputs := []crl.Input{
		{CRL: exampleCRL(cert, key, 1, exampleNow.AddDate(0, 0, -40), 30), File: "expired.crl"},
		{CRL: exampleCRL(cert, key, 2, exampleNow, 30), File: "current.crl"},
	}
	_, err := crl.Current(inputs, exampleNow, false)
	var ce *crl.CheckError
	if errors.As(err, &ce) {
		p := ce.Problems[0]
		fmt.Println(p.Kind == crl.Expired, p.Files, p.Time.Format(time.DateOnly))
	}
	lists, _ := crl.Current(inputs, exampleNow, true)
	fmt.Println(len(lists), "with allowExpired")
	// Output:
	// true [expired.crl] 2025-12-22
	// 2 with allowExpired
}

func ExamplePlanDir() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	cert, key := exampleCA("Example CA")
	c := exampleCRL(cert, key, 1, exampleNow, 180)
	plan, err := crl.PlanDir(dir, []*x509.RevocationList{c})
	if err != nil {
		panic(err)
	}
	f := plan.Files[0]
	os.WriteFile(f.Path, f.Entry.PEM, 0o644)
	os.WriteFile(filepath.Join(dir, "00000000.r0"), []byte("stale"), 0o644)

	plan, _ = crl.PlanDir(dir, []*x509.RevocationList{c})
	fmt.Println(plan.Files[0].Status, len(plan.Stale), "stale")
	// Output: unchanged 1 stale
}

func ExampleDirPlan_Replaced() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	cert, key := exampleCA("Example CA")
	older := exampleCRL(cert, key, 1, exampleNow, 180)
	plan, _ := crl.PlanDir(dir, []*x509.RevocationList{older})
	os.WriteFile(plan.Files[0].Path, plan.Files[0].Entry.PEM, 0o644)

	plan, _ = crl.PlanDir(dir, []*x509.RevocationList{exampleCRL(cert, key, 2, exampleNow, 180, 0x1001)})
	for _, p := range plan.Replaced() {
		fmt.Println(filepath.Ext(p))
	}
	// Output: .r0
}

func ExampleProblem_String() {
	p := crl.Problem{Kind: crl.Expired, Files: []string{"root.crl"}, Issuer: "CN = Example CA", Time: exampleNow}
	fmt.Println(p)
	fmt.Println(&crl.CheckError{Problems: []crl.Problem{p, {Kind: crl.NoCRL, Issuer: "CN = Other CA"}}})
	// Output:
	// root.crl: the CRL of CN = Example CA expired on 2026-01-01T00:00:00Z
	// crl: root.crl: the CRL of CN = Example CA expired on 2026-01-01T00:00:00Z (and 1 more problem)
}
