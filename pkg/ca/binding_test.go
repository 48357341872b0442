package ca

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDataDirBinding: a data directory bound to a CA finds it; a record naming a CA
// that does not list the data directory (what the database user could write), a CA
// whose certificate changed, a missing record, a FIFO or a link in its place are
// refused, each with its reason.
func TestDataDirBinding(t *testing.T) {
	c := newCA(t, CreateOptions{})
	other := newCA(t, CreateOptions{})
	dataDir := t.TempDir()
	write := func(data []byte) {
		t.Helper()
		os.Remove(filepath.Join(dataDir, DataDirFile))
		if err := os.WriteFile(filepath.Join(dataDir, DataDirFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var nb *NotBoundError
	if _, err := ForDataDir(dataDir); !errors.As(err, &nb) {
		t.Fatalf("no record: %v, want a NotBoundError", err)
	}

	if err := c.BindDataDir(dataDir); err != nil {
		t.Fatal(err)
	}
	if err := c.BindDataDir(dataDir); err != nil {
		t.Fatal(err)
	}
	if dirs, _ := c.DataDirs(); len(dirs) != 1 || dirs[0] != dataDir {
		t.Fatalf("DataDirs = %q, want the one data directory once", dirs)
	}
	write(c.Record().Marshal())
	got, err := ForDataDir(dataDir)
	if err != nil {
		t.Fatalf("ForDataDir: %v", err)
	}
	if got.Dir != c.Dir {
		t.Errorf("ForDataDir found %s, want %s", got.Dir, c.Dir)
	}

	// The database user names another CA: it does not list this data directory.
	write(other.Record().Marshal())
	var be *BindingError
	if _, err := ForDataDir(dataDir); !errors.As(err, &be) || !strings.Contains(err.Error(), "does not list this data directory") {
		t.Errorf("a record naming a CA that does not serve the data directory: %v", err)
	}
	// The record of a data directory whose files come from no CA any more (selfsign
	// -D --new-ca) reads as no record, though the CA still lists it.
	write(UnboundRecord())
	if _, err := ForDataDir(dataDir); !errors.As(err, &nb) {
		t.Errorf("an unbound record: %v, want a NotBoundError", err)
	}
	write([]byte("ca_dir = none\nca_sha256 = " + c.Record().CASHA256 + "\n"))
	if _, err := ForDataDir(dataDir); err == nil || errors.As(err, &nb) {
		t.Errorf("a record naming none with a fingerprint: %v, want it refused as not a record", err)
	}

	// ... or the right CA with another fingerprint.
	r := c.Record()
	r.CASHA256 = strings.Repeat("0", 64)
	write(r.Marshal())
	if _, err := ForDataDir(dataDir); !errors.As(err, &be) || !strings.Contains(err.Error(), "not the one recorded") {
		t.Errorf("a record with another certificate's fingerprint: %v", err)
	}
	write([]byte("ca_dir = relative\n"))
	if _, err := ForDataDir(dataDir); err == nil || !strings.Contains(err.Error(), "not a record pgcert wrote") {
		t.Errorf("a record that is not one: %v", err)
	}

	path := filepath.Join(dataDir, DataDirFile)
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ForDataDir(dataDir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO as the record: %v", err)
	}
	os.Remove(path)
	target := filepath.Join(t.TempDir(), "record")
	os.WriteFile(target, c.Record().Marshal(), 0o644)
	os.Symlink(target, path)
	if _, err := ForDataDir(dataDir); err == nil || errors.As(err, &nb) {
		t.Errorf("a link as the record was followed: %v", err)
	}
}

// TestDataDirBindingOwnersCA: run as root, the database user makes a CA directory
// of their own that lists their data directory, and names it in the data
// directory's record. The CA's own list is only the word of whoever may write the
// CA directory: ForDataDir must refuse a CA directory that the data directory's
// owner owns or may write, or root goes on to work in a directory of theirs (its
// index.txt a link to a file of root's, created or appended to).
func TestDataDirBindingOwnersCA(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the directories to another user")
	}
	c := newCA(t, CreateOptions{})
	dataDir := t.TempDir()
	if err := c.BindDataDir(dataDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, DataDirFile), c.Record().Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dataDir, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	if _, err := ForDataDir(dataDir); err != nil {
		t.Fatalf("root's CA: %v", err)
	}
	var be *BindingError
	if err := os.Chmod(c.Dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := ForDataDir(dataDir); !errors.As(err, &be) || !strings.Contains(err.Error(), "may write") {
		t.Errorf("a CA directory anyone may write: %v, want a BindingError", err)
	}
	if err := os.Chmod(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := filepath.Walk(c.Dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 4242, 4242)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := ForDataDir(dataDir); !errors.As(err, &be) || !strings.Contains(err.Error(), ", the data directory's owner, who could have written its list") {
		t.Errorf("a CA directory of the data directory's owner: %v, want a BindingError", err)
	}
}
