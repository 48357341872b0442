package rotate

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
)

func TestRollback(t *testing.T) {
	fx := newFixture(t)
	var re *Error
	if rep, err := Rollback(fx.options(t)); rep != nil || !errors.As(err, &re) || !strings.Contains(err.Error(), "nothing to roll back") {
		t.Fatalf("before any renewal: %v, %v", rep, err)
	}
	oldCRT, oldCRL := fx.read(t, "server.crt"), fx.read(t, "root.crl")
	o := fx.options(t)
	o.Force, o.Rekey = true, true
	if _, err := Renew(o); err != nil {
		t.Fatal(err)
	}
	newCRT, newKey := fx.read(t, "server.crt"), fx.read(t, "server.key")
	rep, err := Rollback(fx.options(t))
	if err != nil || rep.Action != ActionRolledBack || len(rep.Restored) != 3 || len(rep.Previous) != 3 || rep.Reload != nil {
		t.Fatalf("%v, %+v", err, rep)
	}
	if !bytes.Equal(fx.read(t, "server.crt"), oldCRT) || !bytes.Equal(fx.read(t, "server.key"), fx.keyPEM) || !bytes.Equal(fx.read(t, "root.crl"), oldCRL) {
		t.Fatal("the previous files are not back")
	}
	if !bytes.Equal(fx.read(t, "server.crt.prev"), newCRT) || !bytes.Equal(fx.read(t, "server.key.prev"), newKey) {
		t.Fatal("the replaced files are not the .prev ones")
	}
	for _, n := range []string{"server.key", "server.key.prev"} {
		if fi, _ := os.Stat(fx.path(n)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o", n, fi.Mode().Perm())
		}
	}
	// A second rollback undoes the first.
	if _, err := Rollback(fx.options(t)); err != nil || !bytes.Equal(fx.read(t, "server.crt"), newCRT) {
		t.Fatalf("second rollback: %v", err)
	}
	// A .prev set that is not one generation is refused, and nothing changes.
	other, _ := keys.MarshalPKCS8PEM(testpki.NewKey(t))
	put(t, fx.dir, "server.key.prev", other, 0o600)
	if rep, err := Rollback(fx.options(t)); rep != nil || !errors.As(err, &re) || !strings.Contains(err.Error(), "does not belong to the key") {
		t.Fatalf("mismatched .prev: %v, %v", rep, err)
	}
	if !bytes.Equal(fx.read(t, "server.crt"), newCRT) {
		t.Fatal("a refused rollback changed server.crt")
	}
}
