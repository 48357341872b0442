package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
	"golang.org/x/sys/unix"
)

// withoutOpenat2 makes the test take the per-component fallback, as on a kernel
// without openat2.
func withoutOpenat2(t *testing.T) {
	t.Helper()
	openat2 = func(int, string, *unix.OpenHow) (int, error) { return -1, unix.ENOSYS }
	t.Cleanup(func() {
		openat2 = unix.Openat2
		noOpenat2.Store(false)
	})
}

// beneathTree makes a data-directory-like tree: conf.d/a.conf, server.key, a link
// to a file outside, a link to a directory outside, and a FIFO.
func beneathTree(t *testing.T) (dir, outside string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "data")
	outside = filepath.Join(root, "outside")
	for _, d := range []string{dir, outside, filepath.Join(dir, "conf.d")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(dir, "server.key"):       "key",
		filepath.Join(dir, "conf.d", "a.conf"): "a",
		filepath.Join(outside, "secret"):       "secret",
		filepath.Join(outside, "inner.conf"):   "inner",
	}
	for p, c := range files {
		if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "root.crt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "linked.d")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "PG_VERSION"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, outside
}

func testDirOpen(t *testing.T) {
	dir, _ := beneathTree(t)
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for name, want := range map[string]string{"server.key": "key", "conf.d/a.conf": "a", "./conf.d/../server.key": "key"} {
		f, err := d.OpenRegular(name)
		if err != nil {
			t.Errorf("OpenRegular(%s): %v", name, err)
			continue
		}
		buf := make([]byte, 10)
		n, _ := f.Read(buf)
		f.Close()
		if string(buf[:n]) != want {
			t.Errorf("OpenRegular(%s) read %q, want %q", name, buf[:n], want)
		}
	}
	for _, name := range []string{"root.crt", "linked.d/inner.conf", "../outside/secret", "/etc/passwd", "conf.d/../../outside/secret"} {
		if f, err := d.OpenRegular(name); !errors.Is(err, ErrEscapes) {
			t.Errorf("OpenRegular(%s) = %v, want ErrEscapes", name, err)
			if f != nil {
				f.Close()
			}
		}
	}
	testfs.NoHang(t, "OpenRegular of a FIFO", func() {
		if _, err := d.OpenRegular("PG_VERSION"); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("OpenRegular(PG_VERSION FIFO) = %v, want a refusal naming the FIFO", err)
		}
	})
	if _, err := d.OpenDir("linked.d"); !errors.Is(err, ErrEscapes) {
		t.Errorf("OpenDir(linked.d) = %v, want ErrEscapes", err)
	}
	sub, err := d.OpenDir("conf.d")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if f, err := sub.OpenRegular("a.conf"); err != nil {
		t.Errorf("conf.d/a.conf through the subdirectory: %v", err)
	} else {
		f.Close()
	}
}

func TestDirOpenBeneath(t *testing.T) {
	t.Run("openat2", testDirOpen)
	t.Run("fallback", func(t *testing.T) {
		withoutOpenat2(t)
		testDirOpen(t)
		if !noOpenat2.Load() {
			t.Error("the fallback was not taken")
		}
	})
}

// Without openat2, a directory on the way that belongs to another user (neither
// root, nor the running user, nor the directory's owner) is not the data
// directory's: refused.
func TestDirFallbackRefusesForeignDirectory(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	withoutOpenat2(t)
	dir, _ := beneathTree(t)
	if err := os.Chown(filepath.Join(dir, "conf.d"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.OpenRegular("conf.d/a.conf"); err == nil || !strings.Contains(err.Error(), "belongs to user 65534") {
		t.Errorf("OpenRegular through another user's directory = %v, want a refusal", err)
	}
}
