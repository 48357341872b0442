package rotate

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestRenewDueCertificate(t *testing.T) {
	fx := newFixture(t)
	oldCRT, oldCRL := fx.Read(t, "server.crt"), fx.Read(t, "root.crl")
	o := fx.options(t)
	var staged map[string]string
	var stagedKeyMode os.FileMode
	o.Validate = func(s *pgdata.Setup, now time.Time) ([]string, []string) {
		staged = s.Staged
		if fi, err := os.Stat(s.Staged["ssl_cert_file"]); err == nil {
			stagedKeyMode = fi.Mode().Perm()
		}
		if !now.Equal(testpki.Now) {
			t.Errorf("validated at %v", now)
		}
		return nil, []string{"server.crt: a warning"}
	}
	var warnings []string
	o.Warn = func(msg string) { warnings = append(warnings, msg) }
	rep, err := Renew(o)
	if err != nil {
		t.Fatal(err)
	}
	cert := rep.Certificate
	if rep.Action != ActionRenewed || !cert.Renewed || cert.Rekeyed || cert.DaysLeft != 25 || cert.RenewAtDays != 275 || rep.CRL.Refreshed {
		t.Fatalf("report %+v, certificate %+v, crl %+v", rep, cert, rep.CRL)
	}
	if cert.Reason != "it expires in 25 days, within 275 days (a third of its 825-day lifetime)" {
		t.Errorf("reason %q", cert.Reason)
	}
	n := fx.Leaf(t, "server.crt")
	if !bytes.Equal(n.RawSubject, fx.Old.RawSubject) || !keys.PublicKeysEqual(n.PublicKey, fx.Old.PublicKey) || !n.NotAfter.Equal(testpki.Now.AddDate(0, 0, 825)) {
		t.Errorf("renewed certificate %v until %v", n.Subject, n.NotAfter)
	}
	if cert.New.Serial != ca.SerialHex(n.SerialNumber.Bytes()) {
		t.Errorf("reported serial %s", cert.New.Serial)
	}
	if !bytes.Equal(fx.Read(t, "server.crt.prev"), oldCRT) || !bytes.Equal(fx.Read(t, "server.key.prev"), fx.KeyPEM) || !bytes.Equal(fx.Read(t, "root.crl"), oldCRL) {
		t.Error("the .prev files are not the previous ones, or the CRL changed though it was not due")
	}
	if len(staged) != 1 || staged["ssl_cert_file"] == "" || stagedKeyMode != 0o644 {
		t.Errorf("staged %v (mode %04o)", staged, stagedKeyMode)
	}
	if _, err := os.Stat(staged["ssl_cert_file"]); err == nil || len(fx.Leftovers(t, StagePrefix)) > 0 {
		t.Error("the staging directory is left behind")
	}
	if !slices.Equal(warnings, []string{"server.crt: a warning"}) {
		t.Errorf("warnings %q", warnings)
	}
	if len(rep.Previous) != 3 || len(rep.Files) != 4 {
		t.Errorf("previous %v, files %+v", rep.Previous, rep.Files)
	}
}

// TestRenewPlan: when the certificate is due, and why.
func TestRenewPlan(t *testing.T) {
	for _, tc := range []struct {
		name   string
		adjust func(*Options)
		due    bool
		reason string
	}{
		{"default", func(*Options) {}, true, "it expires in 25 days, within 275 days (a third of its 825-day lifetime)"},
		{"within 20 days", func(o *Options) { o.Within, o.WithinSet = 20*24*time.Hour, true }, false, "it expires in 25 days, renewal at 20 days (--within)"},
		{"within 0", func(o *Options) { o.WithinSet = true }, false, "it expires in 25 days, renewal at 0 hours (--within)"},
		{"force", func(o *Options) { o.Force, o.WithinSet = true, true }, true, "--force"},
		{"expired", func(o *Options) { o.Now = func() time.Time { return testpki.Now.AddDate(0, 0, 30) } }, true, "it expired on " + testpki.Date(25*24*time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			o := fx.options(t)
			tc.adjust(&o)
			rep, err := Renew(o)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Certificate.Renewed != tc.due || rep.Certificate.Reason != tc.reason {
				t.Errorf("renewed %v (%q), want %v (%q)", rep.Certificate.Renewed, rep.Certificate.Reason, tc.due, tc.reason)
			}
			if want := map[bool]string{true: ActionRenewed, false: ActionNothing}[tc.due]; rep.Action != want {
				t.Errorf("action %s", rep.Action)
			}
			if !tc.due && len(fx.Leftovers(t, "server.crt.")) > 0 {
				t.Error("nothing due, but files were written")
			}
		})
	}
}

func TestRenewRekeyAndDays(t *testing.T) {
	fx := newFixture(t)
	o := fx.options(t)
	o.Force, o.Rekey, o.Days = true, true, 90
	rep, err := Renew(o)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Certificate.Rekeyed || !rep.CRL.Refreshed {
		t.Fatalf("%+v %+v", rep.Certificate, rep.CRL)
	}
	n := fx.Leaf(t, "server.crt")
	k, err := keys.Parse(fx.Read(t, "server.key"), nil)
	if err != nil || !keys.PublicKeysEqual(k.Signer.Public(), n.PublicKey) || keys.PublicKeysEqual(n.PublicKey, fx.Old.PublicKey) {
		t.Fatalf("the new key: %v", err)
	}
	if alg, _, curve := keys.DescribePublicKey(n.PublicKey); alg != "ECDSA" || curve != "P-256" {
		t.Errorf("a %s %s key", alg, curve)
	}
	if !n.NotAfter.Equal(testpki.Now.AddDate(0, 0, 90)) {
		t.Errorf("notAfter %v", n.NotAfter)
	}
	if fi, _ := os.Stat(fx.Path("server.key")); fi.Mode().Perm() != 0o600 {
		t.Errorf("the new key has mode %04o", fi.Mode().Perm())
	}
}

func TestRenewCRL(t *testing.T) {
	fx := newFixture(t)
	other := testpki.Root(t, "other client CA")
	foreign := other.CRLPEM(t, 7, testpki.Now, testpki.Now.AddDate(0, 0, 60))
	testdatadir.Write(t, fx.Dir, "root.crl", append(fx.CACRLs(t, 30), foreign...), 0o644)
	certBefore := fx.Read(t, "server.crt")
	o := fx.options(t)
	o.Within, o.WithinSet = time.Hour, true
	rep, err := Renew(o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Certificate.Renewed || !rep.CRL.Refreshed || len(rep.CRL.CRLs) != 2 || !strings.Contains(strings.Join(rep.CRL.Reasons, "; "), "expires in 20 days, within 30 days") {
		t.Fatalf("%+v %+v", rep.Certificate, rep.CRL)
	}
	if !bytes.Equal(fx.Read(t, "server.crt"), certBefore) {
		t.Error("a CRL refresh changed server.crt")
	}
	lists, err := crl.ParseCRLs(fx.Read(t, "root.crl"))
	if err != nil || len(lists) != 3 || !bytes.Equal(lists[2].Raw, testpki.ParseCRL(t, foreign).Raw) {
		t.Fatalf("root.crl: %d CRLs, %v; want the two new ones and the foreign one", len(lists), err)
	}
	for _, l := range lists[:2] {
		if !l.ThisUpdate.Equal(testpki.Now) || !l.NextUpdate.Equal(testpki.Now.AddDate(0, 0, crl.DefaultDays)) {
			t.Errorf("new CRL of %v: %v to %v", l.Issuer, l.ThisUpdate, l.NextUpdate)
		}
	}
	// Current now; a revocation in the CA's index makes it due again.
	if rep, err := Renew(o); err != nil || rep.CRL.Refreshed || rep.Action != ActionNothing {
		t.Fatalf("a current CRL: %v, %+v", err, rep)
	}
	is, err := fx.CA.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: cn("bob"), PublicKey: testpki.NewKey(t).Public(), Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.CA.Revoke(is.Cert.SerialNumber, ca.ReasonKeyCompromise, testpki.Now); err != nil {
		t.Fatal(err)
	}
	rep, err = Renew(o)
	if err != nil || !rep.CRL.Refreshed || !slices.Contains(rep.CRL.Reasons, "CN=pgcert CA Intermediate revoked 1 certificate since its CRL was made") || rep.CRL.CRLs[0].Entries != 1 {
		t.Fatalf("after a revocation: %v, %+v", err, rep.CRL)
	}
}

// TestRenewRefusals: what Renew refuses, each before anything in the data
// directory changes.
func TestRenewRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		adjust func(*testing.T, *fixture, *Options)
		want   string
		hint   string
	}{
		{"another CA of the same name", func(t *testing.T, fx *fixture, o *Options) {
			other, err := ca.Create(t.TempDir()+"/other", ca.CreateOptions{Intermediate: true, Now: testpki.Now})
			if err != nil {
				t.Fatal(err)
			}
			o.OpenCA = func() (*ca.CA, error) { return other, nil }
		}, "but another key", "--ca-dir"},
		{"a key that does not match", func(t *testing.T, fx *fixture, o *Options) {
			other, _ := keys.MarshalPKCS8PEM(testpki.NewKey(t))
			testdatadir.Write(t, fx.Dir, "server.key", other, 0o600)
		}, "does not belong to the first certificate", "pgcert check -D"},
		{"no certificate", func(t *testing.T, fx *fixture, o *Options) {
			os.Remove(fx.Path("server.crt"))
		}, "server.crt: no such file", "pgcert init -D"},
		{"a new set the validator refuses", func(t *testing.T, fx *fixture, o *Options) {
			o.Validate = func(*pgdata.Setup, time.Time) ([]string, []string) { return []string{"server.crt: wrong"}, nil }
		}, "the renewed files fail pgcert check (1 error); they were not installed", "is in the CA's index but was never installed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			o := fx.options(t)
			o.Force = true
			tc.adjust(t, fx, &o)
			before := fx.Snapshot(t)
			rep, err := Renew(o)
			var re *Error
			if rep != nil || !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(strings.Join(re.Hints, "\n"), tc.hint) {
				t.Fatalf("report %v, error %v %+v", rep, err, re)
			}
			fx.Unchanged(t, before)
			if left := append(fx.Leftovers(t, StagePrefix), fx.Leftovers(t, "server.crt.")...); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestRenewOneClockReading: with a clock that crosses a second boundary at every
// reading, the certificate, the CRLs and the validation all take the one reading
// of the run.
func TestRenewOneClockReading(t *testing.T) {
	fx := newFixture(t)
	o := fx.options(t)
	o.Force = true
	readings := 0
	o.Now = func() time.Time {
		readings++
		return testpki.Now.Add(time.Duration(readings) * 1500 * time.Millisecond)
	}
	o.Validate = func(s *pgdata.Setup, now time.Time) ([]string, []string) {
		data, err := os.ReadFile(s.Staged["ssl_crl_file"])
		if err != nil {
			t.Fatal(err)
		}
		lists, err := crl.ParseCRLs(data)
		if err != nil {
			t.Fatal(err)
		}
		var problems []string
		for _, l := range lists {
			if l.ThisUpdate.After(now) {
				problems = append(problems, "root.crl: not yet valid")
			}
		}
		return problems, nil
	}
	if _, err := Renew(o); err != nil {
		t.Fatal(err)
	}
	if readings != 1 {
		t.Errorf("read the clock %d times", readings)
	}
	if n := fx.Leaf(t, "server.crt"); !n.NotAfter.Equal(testpki.Now.Add(1500*time.Millisecond).AddDate(0, 0, 825).Truncate(time.Second)) {
		t.Errorf("notAfter %v", n.NotAfter)
	}
}

func TestLikeKey(t *testing.T) {
	for _, tc := range []keys.GenerateOptions{
		{Type: keys.TypeEC},
		{Type: keys.TypeEC, Curve: keys.CurveP384},
		{Type: keys.TypeEd25519},
		{Type: keys.TypeRSA, Bits: 2048},
	} {
		k, err := keys.Generate(tc)
		if err != nil {
			t.Fatal(err)
		}
		got := LikeKey(k.Public())
		a1, b1, c1 := keys.DescribePublicKey(k.Public())
		again, err := keys.Generate(got)
		if err != nil {
			t.Fatal(err)
		}
		if a2, b2, c2 := keys.DescribePublicKey(again.Public()); a1 != a2 || b1 != b2 || c1 != c2 {
			t.Errorf("%v: like %s %d %s made %s %d %s", tc, a1, b1, c1, a2, b2, c2)
		}
	}
}

// TestRenewExpiredCRL: a CRL already past its nextUpdate is refreshed, and the reason
// says it expired and when, not that it "expires in" a negative number of days.
func TestRenewExpiredCRL(t *testing.T) {
	fx := newFixture(t)
	var crls []byte
	for _, x := range fx.CA.CAs() {
		res, err := x.GenerateCRL(ca.CRLOptions{Now: testpki.Now.AddDate(0, 0, -40), Days: 30})
		if err != nil {
			t.Fatal(err)
		}
		crls = append(crls, res.Signed.PEM()...)
	}
	testdatadir.Write(t, fx.Dir, "root.crl", crls, 0o644)
	o := fx.options(t)
	o.Within, o.WithinSet = time.Hour, true
	rep, err := Renew(o)
	if err != nil {
		t.Fatal(err)
	}
	reasons := strings.Join(rep.CRL.Reasons, "; ")
	want := "expired on " + testpki.Now.AddDate(0, 0, -10).UTC().Format(time.DateOnly)
	if !rep.CRL.Refreshed || !strings.Contains(reasons, want) || strings.Contains(reasons, "expires in -") {
		t.Errorf("reasons %q, want %q", reasons, want)
	}
}
