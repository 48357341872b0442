package probe

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/style"
)

func TestReportRefusedVerdictNotRepeated(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := &Result{
		Addr: "127.0.0.1:5432", TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
		Chain:   []Certificate{{Subject: "CN=old", Issuer: "CN=old", NotAfter: now.Add(-time.Hour), DaysLeft: -1}},
		Verdict: &Verdict{Mode: "verify-full", Host: "db", Error: "certificate has expired"},
	}
	r := NewReport(Config{Host: "db", HostAddr: "127.0.0.1", Port: 5432}, "", res, now, 30)
	if r.OK || len(r.Problems) != 2 {
		t.Fatalf("OK %v, problems %q; want two problems", r.OK, r.Problems)
	}
	var b bytes.Buffer
	r.WriteText(&b, style.Plain, now)
	out := b.String()
	for _, want := range []string{
		"server     127.0.0.1:5432 (host db)\n",
		"(expired)\n",
		"refused: libpq with sslmode=verify-full, host db and no root file refuses the server: certificate has expired\n",
		"problem    certificate 0, CN=old, expired on 2025-12-31\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "problem    libpq") {
		t.Errorf("libpq's refusal printed twice:\n%s", out)
	}
}
