package cli

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/fakepg"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// renewFix is a data directory due for renewal (see testdatadir.Renewal), with a
// pg_hba.conf for the check renew runs after its work.
type renewFix struct {
	*testdatadir.Renewal
}

func newRenewFix(t testing.TB, conf ...string) *renewFix {
	t.Helper()
	return &renewFix{testdatadir.NewRenewal(t, []string{"local all all trust"}, conf...)}
}

// run runs `pgcert renew -D dir --ca-dir caDir args...` (no --ca-dir with
// --rollback) on a factory with testpki.Now as its clock, with adjust applied to the
// options first.
func (fx *renewFix) run(t testing.TB, adjust func(*renewOptions), args ...string) (string, string, int) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := NewFactory(ios)
	f.Now = func() time.Time { return testpki.Now }
	f.Getenv = func(string) (string, bool) { return "", false }
	cmd := newRenewCmd(f, func(o *renewOptions) error {
		if adjust != nil {
			adjust(o)
		}
		return renewRun(o)
	})
	root := NewRootCmd(f)
	for _, c := range root.Commands() {
		if c.Name() == "renew" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(cmd)
	full := append([]string{"renew", "-D", fx.Dir}, args...)
	if !slices.Contains(args, "--rollback") {
		full = append(full, "--ca-dir", fx.CADir)
	}
	root.SetArgs(full)
	_, err := root.ExecuteC()
	if err != nil && isCobraUsageError(err) {
		err = &hint.UsageError{Err: err}
	}
	code := f.Report(err)
	return out.String(), errOut.String(), code
}

func (fx *renewFix) runJSON(t *testing.T, adjust func(*renewOptions), args ...string) (*renewReport, string, int) {
	t.Helper()
	out, errOut, code := fx.run(t, adjust, append(args, "--json")...)
	var rep renewReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("no JSON (exit %d): %v\n%s\n%s", code, err, out, errOut)
	}
	return &rep, errOut, code
}

func TestRenewFlags(t *testing.T) {
	fx := newRenewFix(t)
	for _, args := range [][]string{
		{"--within", "soon"}, {"--within", "-3"}, {"--days", "-1"}, {"--wait", "0s"},
		{"--rollback", "--force"}, {"--rollback", "--rekey"}, {"--rollback", "--days", "9"},
	} {
		if _, errOut, code := fx.run(t, nil, args...); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, cmdutil.ExitUsage, errOut)
		}
	}
	f, _, errOut, _ := testFactory(t)
	root := NewRootCmd(f)
	root.SetArgs([]string{"renew"})
	if _, err := root.ExecuteC(); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("renew without -D: %v %s", err, errOut)
	}
}

func TestRenewDueCertificate(t *testing.T) {
	fx := newRenewFix(t)
	oldCRT, oldKey, oldCRL := fx.Read(t, "server.crt"), fx.Read(t, "server.key"), fx.Read(t, "root.crl")
	rep, errOut, code := fx.runJSON(t, nil)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	cert := rep.Certificate
	if rep.Action != rotate.ActionRenewed || !cert.Renewed || cert.Rekeyed || cert.DaysLeft != 25 || cert.RenewAtDays != 275 || rep.CRL.Refreshed {
		t.Fatalf("report %+v, certificate %+v, crl %+v", rep, cert, rep.CRL)
	}
	if !strings.Contains(cert.Reason, "expires in 25 days, within 275 days (a third of its 825-day lifetime)") {
		t.Errorf("reason %q", cert.Reason)
	}
	certs, err := chain.ParseCertificates(fx.Read(t, "server.crt"))
	if err != nil || len(certs) != 3 {
		t.Fatalf("server.crt: %d certificates, %v", len(certs), err)
	}
	n := certs[0]
	if !bytes.Equal(n.RawSubject, fx.Old.RawSubject) || !keys.PublicKeysEqual(n.PublicKey, fx.Old.PublicKey) ||
		fmt.Sprint(n.DNSNames, n.IPAddresses) != fmt.Sprint(fx.Old.DNSNames, fx.Old.IPAddresses) {
		t.Errorf("renewed certificate %v %v %v, want the old one's names and key", n.Subject, n.DNSNames, n.IPAddresses)
	}
	if !n.NotAfter.Equal(testpki.Now.AddDate(0, 0, 825)) || !certs[1].Equal(fx.CA.Cert) || !certs[2].Equal(fx.CA.Root()) {
		t.Errorf("notAfter %v; chain %v, %v", n.NotAfter, certs[1].Subject, certs[2].Subject)
	}
	if cert.New.Serial != ca.SerialHex(n.SerialNumber.Bytes()) {
		t.Errorf("reported serial %s", cert.New.Serial)
	}
	if !bytes.Equal(fx.Read(t, "server.key"), oldKey) || !bytes.Equal(fx.Read(t, "root.crl"), oldCRL) {
		t.Error("the key or the CRL changed, though neither was due")
	}
	for name, want := range map[string][]byte{"server.crt.prev": oldCRT, "server.key.prev": oldKey, "root.crl.prev": oldCRL} {
		if !bytes.Equal(fx.Read(t, name), want) {
			t.Errorf("%s is not the previous file", name)
		}
	}
	if fi, _ := os.Stat(fx.Path("server.key.prev")); fi.Mode().Perm() != 0o600 {
		t.Errorf("server.key.prev has mode %04o", fi.Mode().Perm())
	}
	if len(rep.Previous) != 3 || len(rep.Files) != 4 {
		t.Errorf("previous %v, files %d", rep.Previous, len(rep.Files))
	}
	// The CA recorded it.
	list, err := fx.CA.List()
	if err != nil || len(list) != 2 || list[1].Entry.SerialNumber().Cmp(n.SerialNumber) != 0 {
		t.Errorf("the CA's index: %d entries, %v", len(list), err)
	}
	entries, _ := os.ReadDir(fx.Dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".pgcert") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}

func TestRenewNothingToDo(t *testing.T) {
	fx := newRenewFix(t)
	out, errOut, code := fx.run(t, nil, "--within", "20")
	if code != 0 || out != "nothing to do: server.crt expires in 25 days, renewal at 20 days; root.crl is current (refreshed 30 days before its next update)\n" {
		t.Fatalf("exit %d\nstdout %q\n%s", code, out, errOut)
	}
	if out, errOut, code := fx.run(t, nil, "--within", "20", "--quiet"); code != 0 || out != "" || errOut != "" {
		t.Errorf("--quiet: exit %d, %q %q", code, out, errOut)
	}
	if cmdutil.FileExists(fx.Path("server.crt.prev")) || !bytes.Equal(fx.Leaf(t, "server.crt").Raw, fx.Old.Raw) {
		t.Fatal("nothing to do changed files")
	}
	// --within 30d makes it due; --force always.
	if rep, _, code := fx.runJSON(t, nil, "--within", "30d"); code != 0 || !rep.Certificate.Renewed {
		t.Fatalf("--within 30d: exit %d, %+v", code, rep.Certificate)
	}
	rep, _, code := fx.runJSON(t, nil, "--force", "--days", "90", "--rekey")
	if code != 0 || !rep.Certificate.Renewed || !rep.Certificate.Rekeyed || !rep.CRL.Refreshed || rep.Certificate.Reason != "--force" {
		t.Fatalf("--force: exit %d, %+v %+v", code, rep.Certificate, rep.CRL)
	}
	n := fx.Leaf(t, "server.crt")
	k, err := keys.Parse(fx.Read(t, "server.key"), nil)
	if err != nil || !keys.PublicKeysEqual(k.Signer.Public(), n.PublicKey) || keys.PublicKeysEqual(n.PublicKey, fx.Old.PublicKey) {
		t.Fatalf("--rekey: %v", err)
	}
	if alg, _, curve := keys.DescribePublicKey(n.PublicKey); alg != "ECDSA" || curve != "P-256" {
		t.Errorf("--rekey made a %s %s key", alg, curve)
	}
	if !n.NotAfter.Equal(testpki.Now.AddDate(0, 0, 90)) {
		t.Errorf("--days 90: notAfter %v", n.NotAfter)
	}
	if fi, _ := os.Stat(fx.Path("server.key")); fi.Mode().Perm() != 0o600 {
		t.Errorf("the new key has mode %04o", fi.Mode().Perm())
	}
}

func TestRenewCRL(t *testing.T) {
	fx := newRenewFix(t)
	// Not due: the certificate renewed, the CRLs made 10 days ago for 180.
	if _, errOut, code := fx.run(t, nil, "--force"); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	// A CRL of another CA, kept; the CAs' own CRLs, expiring in 20 days.
	other := testpki.Root(t, "other client CA")
	foreign := other.CRLPEM(t, 7, testpki.Now, testpki.Now.AddDate(0, 0, 60))
	testdatadir.Write(t, fx.Dir, "root.crl", append(fx.CACRLs(t, 30), foreign...), 0o644)
	certBefore := fx.Read(t, "server.crt")
	rep, errOut, code := fx.runJSON(t, nil)
	if code != 0 || rep.Certificate.Renewed || !rep.CRL.Refreshed || len(rep.CRL.CRLs) != 2 {
		t.Fatalf("exit %d, %+v %+v\n%s", code, rep.Certificate, rep.CRL, errOut)
	}
	if got := strings.Join(rep.CRL.Reasons, "; "); !strings.Contains(got, "expires in 20 days, within 30 days") {
		t.Errorf("reasons %q", got)
	}
	if !bytes.Equal(fx.Read(t, "server.crt"), certBefore) {
		t.Error("a CRL refresh changed server.crt")
	}
	lists, err := crl.ParseCRLs(fx.Read(t, "root.crl"))
	if err != nil || len(lists) != 3 || !bytes.Equal(lists[2].Raw, testpki.ParseCRL(t, foreign).Raw) {
		t.Fatalf("root.crl: %d CRLs, %v; want the two new ones and the foreign one", len(lists), err)
	}
	for _, l := range lists[:2] {
		if !l.NextUpdate.Equal(testpki.Now.AddDate(0, 0, crl.DefaultDays)) {
			t.Errorf("new CRL of %v: next update %v", l.Issuer, l.NextUpdate)
		}
	}
	// Current now; a revocation in the CA's index makes it due again.
	if rep, _, _ := fx.runJSON(t, nil); rep.CRL.Refreshed {
		t.Fatal("refreshed a current CRL")
	}
	is, err := fx.CA.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: cnRDN("bob"), PublicKey: testpki.NewKey(t).Public(), Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.CA.Revoke(is.Cert.SerialNumber, ca.ReasonKeyCompromise, testpki.Now); err != nil {
		t.Fatal(err)
	}
	rep, _, code = fx.runJSON(t, nil)
	if code != 0 || !rep.CRL.Refreshed || !strings.Contains(strings.Join(rep.CRL.Reasons, ";"), "revoked 1 certificate since its CRL was made") {
		t.Fatalf("after a revocation: exit %d, %+v", code, rep.CRL)
	}
	if rep.CRL.CRLs[0].Entries != 1 {
		t.Errorf("the new CRL of the intermediate lists %d entries", rep.CRL.CRLs[0].Entries)
	}
}

// TestRenewRefusals: what renew refuses before issuing anything, and a new set that
// fails the checks, which is never installed.
func TestRenewRefusals(t *testing.T) {
	t.Run("another CA of the same name", func(t *testing.T) {
		fx := newRenewFix(t)
		other, err := ca.Create(filepath.Join(t.TempDir(), "other"), ca.CreateOptions{Intermediate: true, Now: testpki.Now})
		if err != nil {
			t.Fatal(err)
		}
		fx.CADir = other.Dir
		// Without a record of its CA (cabinding_test.go refuses the --ca-dir of
		// a bound data directory earlier), the signature tells.
		if err := os.Remove(fx.Path(ca.DataDirFile)); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := fx.run(t, nil, "--force")
		if code != 1 || !strings.Contains(errOut, "but another key") || cmdutil.FileExists(fx.Path("server.crt.prev")) {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("a key that does not match", func(t *testing.T) {
		fx := newRenewFix(t)
		other, _ := keys.MarshalPKCS8PEM(testpki.NewKey(t))
		testdatadir.Write(t, fx.Dir, "server.key", other, 0o600)
		if _, errOut, code := fx.run(t, nil, "--force"); code != 1 || !strings.Contains(errOut, "does not belong to the first certificate") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("no certificate", func(t *testing.T) {
		fx := newRenewFix(t)
		os.Remove(fx.Path("server.crt"))
		if _, errOut, code := fx.run(t, nil); code != 1 || !strings.Contains(errOut, "pgcert init") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("an intermediate not valid yet", func(t *testing.T) {
		fx := newRenewFix(t)
		inter := fx.CA.Cert
		root := fx.CA.Parent
		rootKey, err := keys.Parse(testfs.Read(t, root.KeyPath()), nil)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(77), RawSubject: inter.RawSubject,
			NotBefore: testpki.Now.Add(48 * time.Hour), NotAfter: inter.NotAfter, BasicConstraintsValid: true, IsCA: true,
			MaxPathLenZero: true, KeyUsage: inter.KeyUsage, SubjectKeyId: inter.SubjectKeyId}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, root.Cert, inter.PublicKey, rootKey.Signer)
		if err != nil {
			t.Fatal(err)
		}
		future, _ := x509.ParseCertificate(der)
		testdatadir.Write(t, fx.CADir, "ca.crt", ca.PEM(future), 0o644)
		before := fx.Snapshot(t)
		_, errOut, code := fx.run(t, nil, "--force")
		if code != 1 || !strings.Contains(errOut, "were not installed") || !strings.Contains(errOut, "is not valid until") || !strings.Contains(errOut, "never installed") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
		fx.Unchanged(t, before)
		entries, _ := os.ReadDir(fx.Dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".pgcert") || strings.HasSuffix(e.Name(), rotate.PrevSuffix) {
				t.Errorf("%s left behind", e.Name())
			}
		}
	})
	t.Run("a key the server would refuse", func(t *testing.T) {
		fx := newRenewFix(t)
		os.Chmod(fx.Path("server.key"), 0o644)
		_, errOut, code := fx.run(t, nil, "--force", "--rekey")
		if code != 1 || !strings.Contains(errOut, "has group or world access") || cmdutil.FileExists(fx.Path("server.key.prev")) {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	})
}

func TestRenewRollback(t *testing.T) {
	fx := newRenewFix(t)
	if _, errOut, code := fx.run(t, nil, "--rollback"); code != 1 || !strings.Contains(errOut, "nothing to roll back") {
		t.Fatalf("rollback before any renewal: exit %d\n%s", code, errOut)
	}
	oldCRT, oldCRL := fx.Read(t, "server.crt"), fx.Read(t, "root.crl")
	if _, errOut, code := fx.run(t, nil, "--force", "--rekey"); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	newCRT, newKey := fx.Read(t, "server.crt"), fx.Read(t, "server.key")
	out, errOut, code := fx.run(t, nil, "--rollback")
	if code != 0 || !strings.Contains(out, "restored server.crt, server.key, root.crl") {
		t.Fatalf("rollback: exit %d\n%s%s", code, out, errOut)
	}
	if !bytes.Equal(fx.Read(t, "server.crt"), oldCRT) || !bytes.Equal(fx.Read(t, "server.key"), fx.KeyPEM) || !bytes.Equal(fx.Read(t, "root.crl"), oldCRL) {
		t.Fatal("rollback did not restore the previous files")
	}
	if !bytes.Equal(fx.Read(t, "server.crt.prev"), newCRT) || !bytes.Equal(fx.Read(t, "server.key.prev"), newKey) {
		t.Fatal("the replaced files are not the .prev ones")
	}
	for _, n := range []string{"server.key", "server.key.prev"} {
		if fi, _ := os.Stat(fx.Path(n)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o after the rollback", n, fi.Mode().Perm())
		}
	}
	// A second rollback undoes the first.
	if _, errOut, code := fx.run(t, nil, "--rollback"); code != 0 || !bytes.Equal(fx.Read(t, "server.crt"), newCRT) {
		t.Fatalf("second rollback: exit %d\n%s", code, errOut)
	}
	// A .prev set that is not one generation is refused.
	testdatadir.Write(t, fx.Dir, "server.key.prev", mustMarshal(t), 0o600)
	if _, errOut, code := fx.run(t, nil, "--rollback"); code != 1 || !strings.Contains(errOut, "does not belong to the key") {
		t.Fatalf("mismatched .prev: exit %d\n%s", code, errOut)
	}
	if !bytes.Equal(fx.Read(t, "server.crt"), newCRT) {
		t.Fatal("a refused rollback changed server.crt")
	}
}

func mustMarshal(t *testing.T) []byte {
	t.Helper()
	data, err := keys.MarshalPKCS8PEM(testpki.NewKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRenewReload(t *testing.T) {
	fx := newRenewFix(t, "logging_collector = on")
	fp := fakepg.Start(t, fx.Dir, true)
	signal := func(o *renewOptions) { o.signal = fp.Sighup; o.Wait = 5 * time.Second }
	rep, errOut, code := fx.runJSON(t, signal, "--reload")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	rel := rep.Reload
	if rel == nil || !rel.Signalled || !rel.Confirmed || rel.ServedSerial != rep.Certificate.New.Serial || rel.LogFile != fp.Log || rel.PID != os.Getpid() {
		t.Fatalf("reload %+v", rel)
	}
	if !fp.Serving().Equal(fx.Leaf(t, "server.crt")) {
		t.Fatal("the fake server does not serve the new certificate")
	}

	// Nothing due, the server current: no signal.
	rep, _, code = fx.runJSON(t, signal, "--reload")
	if code != 0 || rep.Action != rotate.ActionNothing || rep.Reload.Signalled || !rep.Reload.Confirmed || fp.Reloads() != 1 {
		t.Fatalf("nothing due: exit %d, %+v, %d reloads", code, rep.Reload, fp.Reloads())
	}

	// A rejected reload: reported with the log lines, exit 1, the files swapped.
	fp.Reject = true
	rep, errOut, code = fx.runJSON(t, signal, "--reload", "--force")
	if code != 1 || rep.Reload.Confirmed || rep.Reload.ServedSerial == rep.Reload.ExpectedSerial || len(rep.Reload.LogLines) != 3 {
		t.Fatalf("rejected: exit %d, %+v", code, rep.Reload)
	}
	for _, want := range []string{"rejected the new files: it still serves serial " + rep.Reload.ServedSerial, "cannot be reloaded because it requires a passphrase", fp.Log, "--rollback"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}
	// Nothing due now, but the server is behind its files: renew reloads it again.
	fp.Reject = false
	rep, errOut, code = fx.runJSON(t, signal, "--reload")
	if code != 0 || rep.Action != rotate.ActionReloaded || !rep.Reload.Confirmed || !fp.Serving().Equal(fx.Leaf(t, "server.crt")) {
		t.Fatalf("stale server: exit %d, %+v\n%s", code, rep.Reload, errOut)
	}
	// Rollback with reload: the server serves the restored certificate.
	out, errOut, code := fx.run(t, signal, "--rollback", "--reload")
	if code != 0 || !fp.Serving().Equal(fx.Leaf(t, "server.crt")) || !strings.Contains(out, "reloaded the server") {
		t.Fatalf("rollback --reload: exit %d\n%s%s", code, out, errOut)
	}
}

func TestRenewReloadWithoutLog(t *testing.T) {
	fx := newRenewFix(t)
	fp := fakepg.Start(t, fx.Dir, false)
	fp.Reject = true
	rep, errOut, code := fx.runJSON(t, func(o *renewOptions) { o.signal = fp.Sighup; o.Wait = 300 * time.Millisecond }, "--reload")
	if code != 1 || !strings.Contains(errOut, "did not take the new files: it still serves serial "+ca.SerialHex(fx.Old.SerialNumber.Bytes())) {
		t.Fatalf("exit %d, %+v\n%s", code, rep.Reload, errOut)
	}
	// A CRL alone, and no log to read: signalled, but not confirmed, and said so.
	is, err := fx.CA.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: cnRDN("bob"), PublicKey: testpki.NewKey(t).Public(), Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.CA.Revoke(is.Cert.SerialNumber, ca.ReasonNone, testpki.Now); err != nil {
		t.Fatal(err)
	}
	fp.Reject = false
	rep, errOut, code = fx.runJSON(t, func(o *renewOptions) { o.signal = fp.Sighup }, "--reload")
	if code != 0 || rep.Certificate.Renewed || !rep.CRL.Refreshed || !rep.Reload.Signalled || rep.Reload.Confirmed || !strings.Contains(errOut, "cannot read its log to confirm") {
		t.Fatalf("CRL alone: exit %d, %+v\n%s", code, rep.Reload, errOut)
	}
}

func TestRenewReloadNotRunning(t *testing.T) {
	fx := newRenewFix(t)
	signalled := false
	rep, errOut, code := fx.runJSON(t, func(o *renewOptions) { o.signal = func(int) error { signalled = true; return nil } }, "--reload")
	if code != 0 || signalled || rep.Reload.Running || !strings.Contains(rep.Reload.Message, "no server runs") {
		t.Fatalf("exit %d, %+v\n%s", code, rep.Reload, errOut)
	}
	// A stale postmaster.pid naming a process that is not a server.
	testdatadir.Write(t, fx.Dir, "postmaster.pid", []byte(fmt.Sprintf("%d\n%s\n1\n5432\n\n127.0.0.1\n", os.Getpid(), fx.Dir)), 0o600)
	if _, errOut, code := fx.run(t, nil, "--reload", "--force"); code != 1 || !strings.Contains(errOut, "not a PostgreSQL server") {
		t.Fatalf("stale pid: exit %d\n%s", code, errOut)
	}
}

// TestRenewOneClockReading: a renewal reads the clock once, so a clock that crosses
// a second boundary at every reading cannot make the CRLs it signs "not yet valid"
// at the time the staged set is checked with.
func TestRenewOneClockReading(t *testing.T) {
	fx := newRenewFix(t)
	for i := range 3 {
		readings := 0
		tick := func(o *renewOptions) {
			o.f.Now = func() time.Time {
				readings++
				return testpki.Now.Add(time.Duration(i*10+readings) * 1500 * time.Millisecond)
			}
		}
		if _, errOut, code := fx.run(t, tick, "--force", "--rekey"); code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, code, errOut)
		}
		if readings != 1 {
			t.Errorf("run %d read the clock %d times", i, readings)
		}
	}
}
