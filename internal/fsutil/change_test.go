package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
)

func TestTargetChangesByDescriptor(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.key")
	if err := os.WriteFile(path, []byte("key"), 0o644); err != nil {
		t.Fatal(err)
	}
	tg, err := OpenTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	// The name now leads to another file: the change still goes to the one opened.
	if err := os.Rename(path, path+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("planted"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := tg.Chmod(0o600); err != nil {
		t.Fatal(err)
	}
	tg.Close()
	if fi, _ := os.Stat(path + ".moved"); fi.Mode().Perm() != 0o600 {
		t.Errorf("opened file has mode %v, want 0600", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("planted file has mode %v, want it untouched (0644)", fi.Mode().Perm())
	}
	if os.Geteuid() == 0 {
		tg, err := OpenTarget(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := tg.Chown(65534, 65534); err != nil {
			t.Fatal(err)
		}
		tg.Close()
		fi, _ := os.Stat(path)
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != 65534 || st.Gid != 65534 {
			t.Errorf("owner %d:%d, want 65534:65534", st.Uid, st.Gid)
		}
	}
}

func TestOpenTargetRefusals(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(real, "f"), filepath.Join(dir, "flink")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "link", "f"), filepath.Join(dir, "flink")} {
		if _, err := OpenTarget(p); !errors.Is(err, ErrEscapes) {
			t.Errorf("OpenTarget(%s) = %v, want ErrEscapes (a link on the way)", p, err)
		}
	}
	testfs.NoHang(t, "OpenTarget of a FIFO", func() {
		if _, err := OpenTarget(filepath.Join(dir, "fifo")); !errors.Is(err, ErrNotRegular) {
			t.Errorf("OpenTarget(fifo) = %v, want ErrNotRegular", err)
		}
	})
	if _, err := OpenTarget("relative/path"); err == nil {
		t.Error("OpenTarget of a relative path succeeded")
	}
	tg, err := OpenTarget(real)
	if err != nil || !tg.IsDir() {
		t.Fatalf("OpenTarget(directory) = %v, %v", tg, err)
	}
	tg.Close()
	withoutOpenat2(t)
	if _, err := OpenTarget(filepath.Join(dir, "link", "f")); !errors.Is(err, ErrEscapes) {
		t.Errorf("fallback: OpenTarget through a link = %v, want ErrEscapes", err)
	}
	if tg, err := OpenTarget(filepath.Join(real, "f")); err != nil {
		t.Errorf("fallback: OpenTarget(real/f) = %v", err)
	} else {
		tg.Close()
	}
}
