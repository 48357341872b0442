package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/doctor"
)

const day = 24 * time.Hour

// expiringDir is a data directory whose server.crt (leaf, intermediate) and root.crt
// (root, intermediate) last a year, with the intermediate's CRL in root.crl expiring in
// interCRLDays, and the root's CRL in a hashed ssl_crl_dir expiring in rootCRLDays.
func expiringDir(t *testing.T, interCRLDays, rootCRLDays int) (dir, rootCRLName string) {
	t.Helper()
	p := testdatadir.NewPKI(t)
	dir = testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'", "ssl_crl_dir = 'crl'"})
	testdatadir.Write(t, dir, "root.crt", testpki.Bundle(p.Root, p.Inter), 0o644)
	testdatadir.Write(t, dir, "root.crl", p.Inter.CRLPEM(t, 3, testpki.Now.Add(-day), testpki.Now.Add(time.Duration(interCRLDays)*day)), 0o644)
	h, err := crl.NameHash(p.Root.Cert.RawSubject)
	if err != nil {
		t.Fatal(err)
	}
	rootCRLName = filepath.Join("crl", crl.DirName(h, 0))
	testdatadir.Write(t, dir, rootCRLName, p.Root.CRLPEM(t, 9, testpki.Now.Add(-40*day), testpki.Now.Add(time.Duration(rootCRLDays)*day)), 0o644)
	return dir, rootCRLName
}

func TestCheckExpiring(t *testing.T) {
	dir, rootCRL := expiringDir(t, 10, -1)
	out, errOut, code := runCheck(t, "-D", dir, "--expiring", "--json")
	var rep doctor.ExpiringReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("no JSON: %v\n%s%s", err, out, errOut)
	}
	if code != cmdutil.ExitFailure || rep.OK || rep.Expired != 1 || rep.Expiring != 1 || rep.MinDaysLeft == nil || *rep.MinDaysLeft != -1 || rep.WarnDays != defaultWarnDays {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
	var got []string
	for _, it := range rep.Items {
		got = append(got, it.Kind+" "+it.File+" "+it.Status)
	}
	want := []string{
		"crl " + rootCRL + " expired",
		"crl root.crl expiring",
		"certificate server.crt ok", "certificate server.crt ok", "certificate root.crt ok", "certificate root.crt ok",
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("items %v\nwant %v", got, want)
	}
	first, second := rep.Items[0], rep.Items[1]
	if first.Setting != "ssl_crl_dir" || first.Issuer != "CN=check root" || first.Number != "9" || *first.DaysLeft != -1 || !first.Expires.Equal(testpki.Now.Add(-day)) {
		t.Errorf("expired CRL item %+v", first)
	}
	if second.Setting != "ssl_crl_file" || *second.DaysLeft != 10 || second.Path != filepath.Join(dir, "root.crl") {
		t.Errorf("expiring CRL item %+v", second)
	}
	leaf := rep.Items[2]
	if leaf.Subject != "CN=db.example.com" || leaf.Serial == "" || *leaf.DaysLeft != 365 {
		t.Errorf("leaf item %+v", leaf)
	}

	// Only expiring: exit 0, unless --strict; a wider --warn-days finds more.
	dir, _ = expiringDir(t, 10, 100)
	if _, _, code := runCheck(t, "-D", dir, "--expiring"); code != cmdutil.ExitOK {
		t.Errorf("expiring only: exit %d", code)
	}
	if _, _, code := runCheck(t, "-D", dir, "--expiring", "--strict"); code != cmdutil.ExitFailure {
		t.Errorf("expiring only, --strict: exit %d", code)
	}
	out, _, _ = runCheck(t, "-D", dir, "--expiring", "--json", "--warn-days", "400")
	rep = doctor.ExpiringReport{}
	json.Unmarshal([]byte(out), &rep)
	if rep.Expiring != 6 || rep.Expired != 0 {
		t.Errorf("--warn-days 400: %d expiring, %d expired", rep.Expiring, rep.Expired)
	}

	out, _, code = runCheck(t, "-D", dir, "--expiring")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(lines) != 8 || !strings.HasPrefix(lines[0], " DAYS  EXPIRES") ||
		!strings.HasPrefix(lines[1], "   10  "+testpki.Date(10*day)+"  crl          expiring  root.crl: CRL of CN=check intermediate") ||
		lines[7] != "0 expired, 1 expiring within 30 days" {
		t.Errorf("table:\n%s", out)
	}
}

func TestCheckExpiringEmpty(t *testing.T) {
	dir := testdatadir.New(t, testdatadir.NewPKI(t), nil)
	testdatadir.Write(t, dir, "server.crt", []byte("not a certificate"), 0o644)
	out, _, code := runCheck(t, "-D", dir, "--expiring", "--json")
	var rep doctor.ExpiringReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || len(rep.Items) != 0 || rep.MinDaysLeft != nil {
		t.Fatalf("exit %d, %v, %s", code, err, out)
	}
	if out, _, _ := runCheck(t, "-D", dir, "--expiring"); !strings.Contains(out, "no certificate or CRL found") {
		t.Errorf("table:\n%s", out)
	}
}
