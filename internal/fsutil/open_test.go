package fsutil

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
	"golang.org/x/sys/unix"
)

// specialFiles makes one file of every kind pgcert refuses to read, in dir.
func specialFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		fifo:        "FIFO (named pipe)",
		sock:        "socket",
		sub:         "directory",
		"/dev/null": "character device",
	}
}

func TestOpenRegularRefusesEveryOtherKind(t *testing.T) {
	dir := t.TempDir()
	for path, kind := range specialFiles(t, dir) {
		for name, open := range map[string]func(string) (*os.File, error){"OpenRegular": OpenRegular, "OpenInput": OpenInput} {
			testfs.NoHang(t, name+" "+path, func() {
				f, err := open(path)
				var nr *NotRegularError
				if !errors.As(err, &nr) || nr.Kind != kind || nr.Path != path || !errors.Is(err, ErrNotRegular) {
					t.Errorf("%s(%s) = %v, want a NotRegularError naming a %s", name, path, err, kind)
				}
				if f != nil {
					f.Close()
				}
			})
		}
	}
}

func TestOpenRegularLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("content"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRegular(link); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("OpenRegular(link) = %v, want a refusal naming the link", err)
	}
	data, err := ReadInput(link, 100)
	if err != nil || string(data) != "content" {
		t.Errorf("ReadInput(link) = %q, %v; want the target's content", data, err)
	}
	fifoLink := filepath.Join(dir, "fifolink")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("fifo", fifoLink); err != nil {
		t.Fatal(err)
	}
	testfs.NoHang(t, "ReadInput through a link to a FIFO", func() {
		if _, err := ReadInput(fifoLink, 100); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("ReadInput(link to FIFO) = %v, want a refusal naming the FIFO", err)
		}
	})
	kmsg := filepath.Join(dir, "kmsg")
	if err := os.Symlink("/dev/kmsg", kmsg); err != nil {
		t.Fatal(err)
	}
	testfs.NoHang(t, "ReadInput through a link to /dev/kmsg", func() {
		if _, err := ReadInput(kmsg, 100); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "character device") {
			t.Errorf("ReadInput(link to /dev/kmsg) = %v, want a refusal naming the device", err)
		}
	})
}

// A FIFO put in place between the first look and the open is caught on the
// descriptor, and the open does not wait for a writer.
func TestOpenRegularRaceWithFIFO(t *testing.T) {
	for _, follow := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "server.key")
		if err := os.WriteFile(path, []byte("key"), 0o600); err != nil {
			t.Fatal(err)
		}
		testHookAfterStat = func(p string) {
			if err := os.Remove(p); err != nil {
				t.Error(err)
			}
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Error(err)
			}
		}
		testfs.NoHang(t, "the open of a FIFO swapped in", func() {
			f, err := openRegular(path, follow)
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
				t.Errorf("follow=%v: %v, want a refusal naming the FIFO", follow, err)
			}
			if f != nil {
				f.Close()
			}
		})
		testHookAfterStat = nil
	}
}

// The file returned reads normally: O_NONBLOCK was cleared.
func TestOpenRegularClearsNonblock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenRegular(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fl, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	if err != nil || fl&unix.O_NONBLOCK != 0 {
		t.Errorf("flags %#x, %v: O_NONBLOCK still set", fl, err)
	}
}

func TestReadLimits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadRegular(path, 10); err != nil || string(data) != "0123456789" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	if _, err := ReadRegular(path, 9); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
	if _, err := ReadInput(filepath.Join(filepath.Dir(path), "missing"), 9); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}
