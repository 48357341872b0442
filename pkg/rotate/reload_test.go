package rotate

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/fakepg"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestReload(t *testing.T) {
	fx := newFixture(t, "logging_collector = on")
	fp := fakepg.Start(t, fx.Dir, true)
	opts := func() Options {
		o := fx.options(t)
		o.Reload, o.Signal, o.Wait = true, fp.Sighup, 5*time.Second
		return o
	}
	rep, err := Renew(opts())
	if err != nil {
		t.Fatal(err)
	}
	rel := rep.Reload
	if rel == nil || !rel.Signalled || !rel.Confirmed || rel.ServedSerial != rep.Certificate.New.Serial || rel.LogFile != fp.Log || rel.PID != os.Getpid() {
		t.Fatalf("reload %+v", rel)
	}
	if !fp.Serving().Equal(fx.Leaf(t, "server.crt")) {
		t.Fatal("the server does not serve the new certificate")
	}
	// Nothing due, the server current: no signal.
	if rep, err := Renew(opts()); err != nil || rep.Action != ActionNothing || rep.Reload.Signalled || !rep.Reload.Confirmed || fp.Reloads() != 1 {
		t.Fatalf("nothing due: %v, %+v, %d reloads", err, rep.Reload, fp.Reloads())
	}
	// A rejected reload: an error quoting the log, and the report, the files swapped.
	fp.Reject = true
	o := opts()
	o.Force = true
	rep, err = Renew(o)
	var re *Error
	if rep == nil || !errors.As(err, &re) || rep.Reload.Confirmed || len(rep.Reload.LogLines) != 3 || !strings.Contains(err.Error(), "rejected the new files: it still serves serial "+rep.Reload.ServedSerial) {
		t.Fatalf("rejected: %v, %+v", err, rep)
	}
	if hints := strings.Join(re.Hints, "\n"); !strings.Contains(hints, "cannot be reloaded because it requires a passphrase") || !strings.Contains(hints, "--rollback") {
		t.Errorf("hints:\n%s", hints)
	}
	// Nothing due, but the server is behind its files: reloaded again.
	fp.Reject = false
	var infos []string
	o = opts()
	o.Info = func(msg string) { infos = append(infos, msg) }
	if rep, err := Renew(o); err != nil || rep.Action != ActionReloaded || !rep.Reload.Confirmed || !fp.Serving().Equal(fx.Leaf(t, "server.crt")) || len(infos) != 1 {
		t.Fatalf("stale server: %v, %+v, %q", err, rep, infos)
	}
	// A rollback reloads too.
	if rep, err := Rollback(opts()); err != nil || !rep.Reload.Confirmed || !fp.Serving().Equal(fx.Leaf(t, "server.crt")) {
		t.Fatalf("rollback: %v, %+v", err, rep)
	}
}

func TestReloadWithoutLog(t *testing.T) {
	fx := newFixture(t)
	fp := fakepg.Start(t, fx.Dir, false)
	fp.Reject = true
	o := fx.options(t)
	o.Reload, o.Signal, o.Wait = true, fp.Sighup, 300*time.Millisecond
	if _, err := Renew(o); err == nil || !strings.Contains(err.Error(), "did not take the new files: it still serves serial "+ca.SerialHex(fx.Old.SerialNumber.Bytes())) {
		t.Fatalf("%v", err)
	}
	// A CRL alone, and no log to read: signalled, not confirmed, and said so.
	is, err := fx.CA.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: cn("bob"), PublicKey: testpki.NewKey(t).Public(), Now: testpki.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.CA.Revoke(is.Cert.SerialNumber, ca.ReasonNone, testpki.Now); err != nil {
		t.Fatal(err)
	}
	fp.Reject = false
	var warnings []string
	o = fx.options(t)
	o.Reload, o.Signal = true, fp.Sighup
	o.Warn = func(msg string) { warnings = append(warnings, msg) }
	rep, err := Renew(o)
	if err != nil || rep.Certificate.Renewed || !rep.CRL.Refreshed || !rep.Reload.Signalled || rep.Reload.Confirmed || len(warnings) != 1 || !strings.Contains(warnings[0], "cannot read its log to confirm") {
		t.Fatalf("CRL alone: %v, %+v, %q", err, rep.Reload, warnings)
	}
}

func TestReloadNotRunning(t *testing.T) {
	fx := newFixture(t)
	signalled := false
	o := fx.options(t)
	o.Reload, o.Signal = true, func(int) error { signalled = true; return nil }
	rep, err := Renew(o)
	if err != nil || signalled || rep.Reload.Running || !strings.Contains(rep.Reload.Message, "no server runs") {
		t.Fatalf("%v, %+v", err, rep.Reload)
	}
	// A stale postmaster.pid naming a process that is not a server: the default
	// signal sender refuses it.
	testdatadir.Write(t, fx.Dir, "postmaster.pid", []byte(fmt.Sprintf("%d\n%s\n1\n5432\n\n127.0.0.1\n", os.Getpid(), fx.Dir)), 0o600)
	o.Signal, o.Force = nil, true
	if _, err := Renew(o); err == nil || !strings.Contains(err.Error(), "not a PostgreSQL server") {
		t.Fatalf("stale pid: %v", err)
	}
}

func TestFindServerLog(t *testing.T) {
	fx := newFixture(t, "logging_collector = on", "log_directory = 'pg_log'")
	setup, err := pgdata.ReadSetup(fx.Dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	if l := findServerLog(setup, os.Getpid()); l.path != "" || l.where != "the newest file in "+fx.Path("pg_log") {
		t.Errorf("collector without current_logfiles: %+v", l)
	}
	testdatadir.Write(t, fx.Dir, "current_logfiles", []byte("csvlog pg_log/a.csv\nstderr pg_log/a.log\n"), 0o600)
	if l := findServerLog(setup, os.Getpid()); l.path != fx.Path("pg_log/a.log") {
		t.Errorf("current_logfiles: %+v", l)
	}
}
