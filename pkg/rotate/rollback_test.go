package rotate

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

func TestRollback(t *testing.T) {
	fx := newFixture(t)
	var re *Error
	if rep, err := Rollback(fx.options(t)); rep != nil || !errors.As(err, &re) || !strings.Contains(err.Error(), "nothing to roll back") {
		t.Fatalf("before any renewal: %v, %v", rep, err)
	}
	oldCRT, oldCRL := fx.Read(t, "server.crt"), fx.Read(t, "root.crl")
	o := fx.options(t)
	o.Force, o.Rekey = true, true
	if _, err := Renew(o); err != nil {
		t.Fatal(err)
	}
	newCRT, newKey := fx.Read(t, "server.crt"), fx.Read(t, "server.key")
	rep, err := Rollback(fx.options(t))
	if err != nil || rep.Action != ActionRolledBack || len(rep.Restored) != 3 || len(rep.Previous) != 3 || rep.Reload != nil {
		t.Fatalf("%v, %+v", err, rep)
	}
	if !bytes.Equal(fx.Read(t, "server.crt"), oldCRT) || !bytes.Equal(fx.Read(t, "server.key"), fx.KeyPEM) || !bytes.Equal(fx.Read(t, "root.crl"), oldCRL) {
		t.Fatal("the previous files are not back")
	}
	if !bytes.Equal(fx.Read(t, "server.crt.prev"), newCRT) || !bytes.Equal(fx.Read(t, "server.key.prev"), newKey) {
		t.Fatal("the replaced files are not the .prev ones")
	}
	for _, n := range []string{"server.key", "server.key.prev"} {
		if fi, _ := os.Stat(fx.Path(n)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o", n, fi.Mode().Perm())
		}
	}
	// A second rollback undoes the first.
	if _, err := Rollback(fx.options(t)); err != nil || !bytes.Equal(fx.Read(t, "server.crt"), newCRT) {
		t.Fatalf("second rollback: %v", err)
	}
	// A .prev set that is not one generation is refused, and nothing changes.
	other, _ := keys.MarshalPKCS8PEM(testpki.NewKey(t))
	testdatadir.Write(t, fx.Dir, "server.key.prev", other, 0o600)
	if rep, err := Rollback(fx.options(t)); rep != nil || !errors.As(err, &re) || !strings.Contains(err.Error(), "does not belong to the key") {
		t.Fatalf("mismatched .prev: %v, %v", rep, err)
	}
	if !bytes.Equal(fx.Read(t, "server.crt"), newCRT) {
		t.Fatal("a refused rollback changed server.crt")
	}
}

// TestRollbackRefusesPlantedPrev: a .prev file that is a link (to a secret), a FIFO,
// or not of its setting's kind is never put back, and the data directory stays as
// it was.
func TestRollbackRefusesPlantedPrev(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	testdatadir.Write(t, filepath.Dir(secret), "secret", []byte("root's secret\n"), 0o600)
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, fx *fixture)
		want  string
	}{
		{"a link to a secret", func(t *testing.T, fx *fixture) {
			os.Remove(fx.Path("root.crl.prev"))
			if err := os.Symlink(secret, fx.Path("root.crl.prev")); err != nil {
				t.Fatal(err)
			}
		}, "root.crl.prev is a symbolic link"},
		{"a FIFO", func(t *testing.T, fx *fixture) {
			os.Remove(fx.Path("server.key.prev"))
			if err := syscall.Mkfifo(fx.Path("server.key.prev"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "server.key.prev is not a regular file"},
		{"a key as the CRL", func(t *testing.T, fx *fixture) {
			testdatadir.Write(t, fx.Dir, "root.crl.prev", fx.KeyPEM, 0o644)
		}, "root.crl.prev is not a CRL file"},
		{"a certificate as the key", func(t *testing.T, fx *fixture) {
			testdatadir.Write(t, fx.Dir, "server.key.prev", fx.Read(t, "server.crt"), 0o600)
		}, "server.key.prev is not a private key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			o := fx.options(t)
			o.Force = true
			if _, err := Renew(o); err != nil {
				t.Fatal(err)
			}
			tc.plant(t, fx)
			before := fx.Snapshot(t)
			rep, err := Rollback(fx.options(t))
			if rep != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v, %v", rep, err)
			}
			fx.Unchanged(t, before)
		})
	}
}
