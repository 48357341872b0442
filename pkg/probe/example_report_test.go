package probe_test

import (
	"fmt"
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/probe"
	"github.com/pgcert/pgcert/pkg/style"
)

func exampleResult(now time.Time) *probe.Result {
	notAfter := now.Add(20 * 24 * time.Hour)
	return &probe.Result{
		Addr: "127.0.0.1:5432", ServerName: "db.example.com",
		TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
		Chain: []probe.Certificate{{
			Subject: "CN=db.example.com", Issuer: "CN=Example CA", Serial: "01",
			NotBefore: now.Add(-24 * time.Hour), NotAfter: notAfter, DaysLeft: 20,
			SHA256: "AB:CD", DNSNames: []string{"db.example.com"},
		}},
		Verdict: &probe.Verdict{Mode: "verify-full", Host: "db.example.com", OK: true},
	}
}

func ExampleNewReport() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg := probe.Config{Host: "db.example.com", Port: 5432}
	r := probe.NewReport(cfg, "root.crt", exampleResult(now), now, 30)
	fmt.Println(r.OK)
	fmt.Println(r.Problems[0])
	// Output:
	// false
	// certificate 0, CN=db.example.com, expires on 2026-01-21 (in 20 days, within --warn-days 30)
}

func ExampleReport_WriteText() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg := probe.Config{Host: "db.example.com", Port: 5432}
	probe.NewReport(cfg, "root.crt", exampleResult(now), now, 7).WriteText(os.Stdout, style.Plain, now)
	// Output:
	// server     127.0.0.1:5432 (host db.example.com)
	// protocol   TLSv1.3, TLS_AES_128_GCM_SHA256
	// chain      1 certificate sent, in order
	//   0 CN=db.example.com
	//     issuer   CN=Example CA
	//     valid    2025-12-31 to 2026-01-21 (20 days left)
	//     names    DNS:db.example.com
	//     serial   01
	//     sha256   AB:CD
	// client     no client certificate requested (no ssl_ca_file)
	// verdict    ok: libpq with sslmode=verify-full, host db.example.com and root.crt accepts the server
}

func ExampleExplain() {
	err := probe.Explain(fmt.Errorf("dial: %w", probe.ErrSSLRefused), "db.example.com:5432", 10*time.Second)
	fmt.Println(err)
	// Output:
	// db.example.com:5432: the server refuses SSL: it answered 'N' to SSLRequest (ssl = off in its postgresql.conf?)
}
