package rotate

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testdatadir"
)

// TestRenewOutsideRefused: ssl_crl_file names a file outside the data directory,
// in a directory the data directory's owner may not write (here: an owner with an
// ID nobody has). Renew refuses before the CA signs anything and changes nothing;
// with the file in AllowOutside, it writes it and its .prev.
func TestRenewOutsideRefused(t *testing.T) {
	elsewhere := t.TempDir()
	crlPath := filepath.Join(elsewhere, "root.crl")
	fx := newFixture(t, "ssl_crl_file = '"+crlPath+"'")
	testdatadir.Write(t, elsewhere, "root.crl.prev", []byte("older\n"), 0o644)
	o := fx.options(t)
	o.Force = true
	o.Setup.DBUser.UID, o.Setup.DBUser.GID, o.Setup.DBUser.Groups = 4242, 4242, nil
	before := caFiles(t, fx.CADir)
	_, err := Renew(o)
	var oe *OutsideError
	if !errors.As(err, &oe) || !errors.Is(err, fsutil.ErrOutside) || !slices.Contains(oe.Paths, crlPath) {
		t.Fatalf("want an OutsideError naming %s, got %v", crlPath, err)
	}
	if !strings.Contains(err.Error(), "not writable by the data directory's owner") {
		t.Errorf("the reason is missing: %v", err)
	}
	if _, err := os.Stat(crlPath); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", crlPath, err)
	}
	if data, _ := os.ReadFile(filepath.Join(elsewhere, "root.crl.prev")); string(data) != "older\n" {
		t.Errorf("root.crl.prev was changed: %q", data)
	}
	if caFiles(t, fx.CADir) != before {
		t.Errorf("the CA issued a certificate for a refused renewal")
	}

	o.AllowOutside = []string{crlPath}
	if _, err := Renew(o); err != nil {
		t.Fatalf("with AllowOutside: %v", err)
	}
	if data, err := os.ReadFile(crlPath); err != nil || !strings.Contains(string(data), "X509 CRL") {
		t.Errorf("with AllowOutside, %s holds %q (%v)", crlPath, data, err)
	}
}

// caFiles is the contents of every regular file of a CA directory, but its lock
// file: a certificate issued shows in the index and the serial.
func caFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "pgcert.lock" {
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(p + "\n" + string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRenewSubdirectorySwapped: ssl_crl_file names a file in a subdirectory of the
// data directory, which the outside rule lets renew change (it is the data
// directory's own). The data directory's owner, who may rename anything in it,
// swaps that subdirectory for a link to a directory of root's once the rule was
// applied (here: once the journal is written, the last moment before the writes).
// Renew must not write, back up or remove anything in root's directory.
func TestRenewSubdirectorySwapped(t *testing.T) {
	fx := newFixture(t, "ssl_crl_file = 'sub/root.crl'")
	testdatadir.Write(t, fx.Dir, "sub/root.crl", fx.Read(t, "root.crl"), 0o644)
	victim := t.TempDir()
	testdatadir.Write(t, victim, "root.crl", []byte("root's\n"), 0o644)
	testdatadir.Write(t, victim, "root.crl.prev", []byte("root's too\n"), 0o644)
	sub := fx.Path("sub")
	testHookWritten = func(*journal) error {
		if err := os.Rename(sub, sub+".real"); err != nil {
			return err
		}
		return os.Symlink(victim, sub)
	}
	defer func() { testHookWritten = nil }()
	o := fx.options(t)
	o.Force = true
	o.Setup.DBUser.UID, o.Setup.DBUser.GID, o.Setup.DBUser.Groups = 4242, 4242, nil
	_, err := Renew(o)
	if err == nil {
		t.Errorf("renew wrote through the link its owner swapped in")
	}
	names, _ := os.ReadDir(victim)
	if len(names) != 2 {
		t.Errorf("root's directory holds %d entries, want its 2", len(names))
	}
	for name, want := range map[string]string{"root.crl": "root's\n", "root.crl.prev": "root's too\n"} {
		if data, _ := os.ReadFile(filepath.Join(victim, name)); string(data) != want {
			t.Errorf("root's %s was changed: %q", name, data)
		}
	}
}
