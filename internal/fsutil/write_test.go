package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
)

func TestWriteNewFileWithMode(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	for _, mode := range []os.FileMode{KeyMode, PublicMode} {
		path := filepath.Join(dir, "f"+mode.String())
		w, err := WriteFile(path, []byte("data"), Options{Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode || w.Mode != mode {
			t.Errorf("mode = %v (reported %v), want %v", fi.Mode().Perm(), w.Mode, mode)
		}
		if w.Replaced {
			t.Error("a new file was reported as replaced")
		}
	}
	if names := testfs.Names(t, dir); len(names) != 2 {
		t.Fatalf("directory holds %v, want only the two files", names)
	}
}

func TestKeyNeverReadableByOthers(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	var seen []os.FileMode
	testHookBeforeWrite = func(f *os.File) {
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, fi.Mode().Perm())
	}
	defer func() { testHookBeforeWrite = nil }()
	if _, err := WriteFile(filepath.Join(t.TempDir(), "server.key"), []byte("secret"), Options{Mode: KeyMode}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != KeyMode {
		t.Fatalf("temporary file mode before the first write = %v, want [%v]", seen, KeyMode)
	}
}

func TestRefuseExistingWithoutForce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "server.crt")
	os.WriteFile(path, []byte("old"), 0o644)
	_, err := WriteFile(path, []byte("new"), Options{Mode: PublicMode})
	var ee *ExistsError
	if !errors.As(err, &ee) || ee.Path != path {
		t.Fatalf("err = %v, want ExistsError for %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("existing file changed to %q", b)
	}
	w, err := WriteFile(path, []byte("new"), Options{Mode: PublicMode, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" || !w.Replaced {
		t.Fatalf("after --force: %q, replaced=%v", b, w.Replaced)
	}
	if names := testfs.Names(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
}

func TestSymlinkIsReplacedNotFollowed(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	os.WriteFile(target, []byte("keep me"), 0o644)
	link := filepath.Join(dir, "server.key")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := WriteFile(link, []byte("key"), Options{Mode: KeyMode})
	var ee *ExistsError
	if !errors.As(err, &ee) || ee.LinkTarget != target {
		t.Fatalf("err = %v, want ExistsError naming the link target", err)
	}
	w, err := WriteFile(link, []byte("key"), Options{Mode: KeyMode, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if w.ReplacedLink != target {
		t.Errorf("ReplacedLink = %q, want %q", w.ReplacedLink, target)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Fatalf("link target was written through: %q", b)
	}
	fi, _ := os.Lstat(link)
	if fi.Mode()&os.ModeSymlink != 0 || fi.Mode().Perm() != KeyMode {
		t.Fatalf("output is %v, want a regular 0600 file", fi.Mode())
	}
}

func TestBadTargets(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	for _, tc := range []struct {
		path, want string
		force      bool
	}{
		{filepath.Join(dir, "adir"), "is a directory", true},
		{filepath.Join(dir, "missing", "server.key"), "no such file or directory", false},
	} {
		_, err := WriteFile(tc.path, []byte("x"), Options{Mode: KeyMode, Force: tc.force})
		var we *WriteError
		if !errors.As(err, &we) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("WriteFile(%s) err = %v, want a WriteError naming the path and %q", tc.path, err, tc.want)
		}
	}
	if names := testfs.Names(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
}

func TestTxnAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	os.WriteFile(a, []byte("old cert"), 0o644)

	// The second file may not be replaced: nothing is written.
	os.WriteFile(b, []byte("old key"), 0o600)
	var txn Txn
	txn.Add(a, []byte("new cert"), Options{Mode: PublicMode, Force: true})
	txn.Add(b, []byte("new key"), Options{Mode: KeyMode})
	if _, err := txn.Commit(); err == nil {
		t.Fatal("commit succeeded over an existing file without force")
	}
	assertContent(t, a, "old cert")
	assertContent(t, b, "old key")

	// A rename failing half-way restores the files already replaced.
	os.Remove(b)
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == 2 {
			return syscall.ENOSPC
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	txn = Txn{}
	txn.Add(a, []byte("new cert"), Options{Mode: PublicMode, Force: true})
	txn.Add(b, []byte("new key"), Options{Mode: KeyMode})
	_, err := txn.Commit()
	if !IsNoSpace(err) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	assertContent(t, a, "old cert")
	if _, err := os.Stat(b); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s exists after a failed commit", b)
	}
	if names := testfs.Names(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v after rollback", names)
	}

	rename = os.Rename
	txn = Txn{}
	txn.Add(a, []byte("new cert"), Options{Mode: PublicMode, Force: true})
	txn.Add(b, []byte("new key"), Options{Mode: KeyMode})
	if _, err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	assertContent(t, a, "new cert")
	assertContent(t, b, "new key")
	if names := testfs.Names(t, dir); len(names) != 2 {
		t.Fatalf("directory holds %v", names)
	}
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != want {
		t.Fatalf("%s = %q (%v), want %q", path, b, err, want)
	}
}
