package rotate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
)

// unbind removes both sides of the fixture's record of its CA, as a data directory
// set up before pgcert kept one.
func unbind(t *testing.T, fx *fixture) {
	t.Helper()
	if err := os.Remove(fx.Path(ca.DataDirFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(fx.CADir, ca.DataDirsFile)); err != nil {
		t.Fatal(err)
	}
}

// TestRenewRecordsTheCA: a renewal on a data directory without a record writes it
// in the same change as the files, 0644, and the CA lists the data directory, so
// ca.ForDataDir finds the CA from the data directory alone; a second renewal does
// not rewrite it.
func TestRenewRecordsTheCA(t *testing.T) {
	fx := newFixture(t)
	unbind(t, fx)
	o := fx.options(t)
	o.Force = true
	rep, err := Renew(o)
	if err != nil {
		t.Fatal(err)
	}
	recorded := false
	for _, f := range rep.Files {
		recorded = recorded || f.Path == fx.Path(ca.DataDirFile)
	}
	if !recorded {
		t.Errorf("the record is not among the files written: %+v", rep.Files)
	}
	fi, err := os.Lstat(fx.Path(ca.DataDirFile))
	if err != nil || fi.Mode().Perm() != 0o644 || !fi.Mode().IsRegular() {
		t.Fatalf("record: %v %v", fi, err)
	}
	c, err := ca.ForDataDir(fx.Dir)
	if err != nil || c.Dir != fx.CADir {
		t.Fatalf("ForDataDir: %v, %v", c, err)
	}
	if rep, err = Renew(o); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		if f.Path == fx.Path(ca.DataDirFile) {
			t.Error("a second renewal rewrote the record")
		}
	}
}

// TestNothingDueRecordsTheCA: a run with nothing due still records the CA, and
// only that.
func TestNothingDueRecordsTheCA(t *testing.T) {
	fx := newFixture(t)
	unbind(t, fx)
	crt := fx.Read(t, "server.crt")
	o := fx.options(t)
	o.WithinSet = true
	rep, err := Renew(o)
	if err != nil || rep.Action != ActionNothing {
		t.Fatalf("%v %+v", err, rep)
	}
	if _, err := ca.ForDataDir(fx.Dir); err != nil {
		t.Fatal(err)
	}
	if string(fx.Read(t, "server.crt")) != string(crt) || len(fx.Leftovers(t, "server.crt.prev")) != 0 {
		t.Error("recording the CA changed the SSL files")
	}
}
