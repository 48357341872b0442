package bootstrap_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
)

// TestApplyBindsTheCA: after Apply the data directory records its CA, 0644, and
// the CA lists the data directory, so ca.ForDataDir finds the CA from it alone.
func TestApplyBindsTheCA(t *testing.T) {
	dir, dd, c := setup(t, true)
	apply(t, options(dir, dd, c))
	fi, err := os.Lstat(filepath.Join(dd.Dir, ca.DataDirFile))
	if err != nil || fi.Mode().Perm() != 0o644 || !fi.Mode().IsRegular() {
		t.Fatalf("record: %v %v", fi, err)
	}
	got, err := ca.ForDataDir(dd.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Dir != c.Dir || got.Record() != c.Record() {
		t.Errorf("ForDataDir found %s, want %s", got.Dir, c.Dir)
	}
}

// TestOtherCA: files of the run's CA, of no CA, or missing are fine; files of
// another CA (or any CA's when the CA is yet to be made) are named, with both CAs.
func TestOtherCA(t *testing.T) {
	dir, dd, c := setup(t, false)
	if err := bootstrap.OtherCA(dd.Dir, c, c.Dir); err != nil {
		t.Fatalf("empty data directory: %v", err)
	}
	apply(t, options(dir, dd, c))
	if err := bootstrap.OtherCA(dd.Dir, c, c.Dir); err != nil {
		t.Fatalf("its own CA's files: %v", err)
	}
	other, err := ca.Create(filepath.Join(dir, "other"), ca.CreateOptions{CommonName: "Other CA", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range []*ca.CA{other, nil} {
		err := bootstrap.OtherCA(dd.Dir, next, filepath.Join(dir, "other"))
		var oe *bootstrap.OtherCAError
		if !errors.As(err, &oe) {
			t.Fatalf("another CA: %v", err)
		}
		msg := err.Error()
		for _, want := range []string{"CN = pgcert CA", c.Dir, filepath.Join(dir, "other")} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q does not name %q", msg, want)
			}
		}
		if next != nil && !strings.Contains(msg, "Other CA") {
			t.Errorf("%q does not name the other CA's subject", msg)
		}
	}
}
