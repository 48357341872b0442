package probe_test

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/pgcert/pgcert/pkg/probe"
)

func ExampleLibpqVerify() {
	// No root file: libpq's sslmode=require takes any certificate, the verify modes
	// refuse for want of the file it looked for.
	verify := probe.LibpqVerify("", "/home/alice/.postgresql/root.crt")
	for _, mode := range []string{"require", "verify-full"} {
		// Without a root file the served certificate is not looked at.
		err := verify(probe.VerifyInput{Chain: []*x509.Certificate{new(x509.Certificate)}, Mode: mode, Host: "db.example.com"})
		fmt.Printf("%s: %v\n", mode, err)
	}
	// Output:
	// require: <nil>
	// verify-full: root certificate file "/home/alice/.postgresql/root.crt" does not exist
}

func ExampleResult_Problems() {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	r := &probe.Result{Chain: []probe.Certificate{{
		Subject: "CN=db.example.com", NotAfter: now.Add(10 * 24 * time.Hour), DaysLeft: 10,
	}}}
	fmt.Println(r.Problems(now, 30))
	fmt.Println(len(r.Problems(now, 7)))
	// Output:
	// [certificate 0, CN=db.example.com, expires on 2026-06-11 (in 10 days, within --warn-days 30)]
	// 0
}
