package pgdata

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testfs"
)

// A FIFO (or a device) at any file of a data directory pgdata reads is refused at
// once, by name and kind, never waited on.
func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notRegular := func(what string, err error, kind string) {
		t.Helper()
		if !errors.Is(err, fsutil.ErrNotRegular) || !strings.Contains(err.Error(), kind) {
			t.Errorf("%s: %v, want a refusal naming a %s", what, err, kind)
		}
	}
	conf := fifo(ConfFileName)
	testfs.NoHang(t, "postgresql.conf as a FIFO", func() {
		_, err := LoadConfigFile(conf, dir)
		notRegular("postgresql.conf", err, "FIFO")
	})
	fifo("extra.conf")
	if err := os.Remove(conf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("include_if_exists 'extra.conf'\nssl = on\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testfs.NoHang(t, "include_if_exists of a FIFO", func() {
		_, err := LoadConfigFile(conf, dir)
		notRegular("include_if_exists", err, "FIFO")
	})
	hba := fifo("pg_hba.conf")
	testfs.NoHang(t, "pg_hba.conf as a FIFO", func() {
		_, err := LoadHBA(hba, Version{Major: 15})
		notRegular("pg_hba.conf", err, "FIFO")
		var ce *ConfError
		if errors.As(err, &ce) && !strings.Contains(ce.Message, "Not a regular file: a FIFO") {
			t.Errorf("message %q does not say what the file is", ce.Message)
		}
	})
	fifo("PG_VERSION")
	testfs.NoHang(t, "PG_VERSION as a FIFO", func() {
		_, err := ReadVersion(dir)
		notRegular("PG_VERSION", err, "FIFO")
	})
	fifo(PIDFileName)
	testfs.NoHang(t, "postmaster.pid as a FIFO", func() {
		_, err := ReadPIDFile(dir)
		notRegular("postmaster.pid", err, "FIFO")
	})
	if err := os.Remove(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/kmsg", filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Fatal(err)
	}
	testfs.NoHang(t, "PG_VERSION as a link to /dev/kmsg", func() {
		_, err := ReadVersion(dir)
		notRegular("PG_VERSION -> /dev/kmsg", err, "symbolic link")
	})
	if err := os.Remove(hba); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/kmsg", hba); err != nil {
		t.Fatal(err)
	}
	testfs.NoHang(t, "pg_hba.conf as a link to /dev/kmsg", func() {
		_, err := LoadHBA(hba, Version{Major: 15})
		notRegular("pg_hba.conf -> /dev/kmsg", err, "character device")
	})
}
