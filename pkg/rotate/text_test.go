package rotate

import (
	"strings"
	"testing"
)

func TestReportWriteText(t *testing.T) {
	cert := &CertReport{File: "/d/server.crt", DaysLeft: 200, RenewAtDays: 30}
	crlRep := &CRLReport{File: "/d/root.crl"}
	reload := &ReloadReport{Message: "reloaded the server (pid 7)"}
	for _, c := range []struct {
		name  string
		rep   *Report
		quiet bool
		want  string
	}{
		{"nothing", &Report{DataDir: "/d", Action: ActionNothing, Certificate: cert, CRL: crlRep}, false,
			"nothing to do: server.crt expires in 200 days, renewal at 30 days; root.crl is current (refreshed 30 days before its next update)\n"},
		{"nothing quiet", &Report{DataDir: "/d", Action: ActionNothing, Certificate: cert, Reload: reload}, true, ""},
		{"reloaded quiet", &Report{DataDir: "/d", Action: ActionReloaded, Certificate: cert, Reload: reload}, true,
			"nothing to do: server.crt expires in 200 days, renewal at 30 days\nreloaded the server (pid 7)\n"},
		{"crl refreshed", &Report{DataDir: "/my d", Action: ActionRenewed, Certificate: cert,
			CRL:      &CRLReport{File: "/my d/root.crl", Refreshed: true, Reasons: []string{"a", "b"}, CRLs: []CRLInfo{{Number: "4", Issuer: "CN=CA", Entries: 2, NextUpdate: "2027-01-08T00:00:00Z"}}},
			Files:    []FileReport{{Path: "/my d/root.crl", Mode: "0644", Owner: "postgres"}, {Path: "/my d/root.crl.prev"}},
			Previous: []string{"/my d/root.crl.prev"}}, true,
			"refreshed root.crl (a; b)\n  CRL 4 of CN=CA, 2 revoked, next update 2027-01-08\n  wrote /my d/root.crl (mode 0644, owner postgres)\n  kept the previous files as root.crl.prev; to put them back: pgcert renew --rollback -D '/my d'\n"},
		{"rekeyed", &Report{DataDir: "/d", Action: ActionRenewed, Certificate: &CertReport{File: "/d/server.crt", Renewed: true, Rekeyed: true, Reason: "asked",
			New: &NewCert{Serial: "01", SANs: "DNS:x", NotAfter: "2027-02-01T00:00:00Z"}}}, false,
			"renewed server.crt: serial 01 for DNS:x, until 2027-02-01 (asked)\n  with a new key\n"},
		{"rollback", &Report{DataDir: "/d", Action: ActionRolledBack, Restored: []string{"/d/server.crt", "/d/server.key"}, Reload: reload}, true,
			"rolled back: restored server.crt, server.key from their .prev files in /d\n  the files replaced are now the .prev ones: a second --rollback undoes this\nreloaded the server (pid 7)\n"},
	} {
		var b strings.Builder
		if err := c.rep.WriteText(&b, c.quiet); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != c.want {
			t.Errorf("%s: got\n%q\nwant\n%q", c.name, got, c.want)
		}
	}
}
