package fsutil

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestWriteFileNoSyncThenSync(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"a.key", "b.crt"} {
		p := filepath.Join(dir, name)
		w, err := WriteFile(p, []byte(name), Options{Mode: KeyMode, NoSync: true})
		if err != nil || w.Mode != KeyMode {
			t.Fatalf("WriteFile %s: %v, %+v", name, err, w)
		}
		paths = append(paths, p)
	}
	if err := Sync(paths...); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if data, err := os.ReadFile(p); err != nil || string(data) != filepath.Base(p) {
			t.Fatalf("%s: %q, %v", p, data, err)
		}
	}
	var we *WriteError
	if err := Sync(filepath.Join(dir, "missing")); !errors.As(err, &we) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Sync of a missing file: %v", err)
	}
}

// diskDir returns a directory on a file system that writes back to a disk: a
// tmpfs has no write-back, so its pages stay dirty whatever Sync does.
func diskDir(t *testing.T) string {
	t.Helper()
	for _, dir := range []string{t.TempDir(), "."} {
		var st unix.Statfs_t
		if err := unix.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		if st.Type == unix.TMPFS_MAGIC || st.Type == unix.RAMFS_MAGIC {
			continue
		}
		if dir == "." {
			d, err := os.MkdirTemp(".", ".sync-test-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
		return dir
	}
	t.Skip("no disk-backed file system to write to (the temporary and package directories are both in memory)")
	return ""
}

// dirtyPages returns the pages of the file at path that are dirty or under
// write-back, from the page cache itself (cachestat(2), Linux 6.5).
func dirtyPages(t *testing.T, path string) uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cs unix.Cachestat_t
	if err := unix.Cachestat(uint(f.Fd()), &unix.CachestatRange{}, &cs, 0); err != nil {
		if errors.Is(err, unix.ENOSYS) {
			t.Skipf("cachestat(2): %v (Linux before 6.5): the page cache cannot be read", err)
		}
		t.Fatalf("cachestat %s: %v", path, err)
	}
	return cs.Dirty + cs.Writeback
}

// TestSyncWritesBack checks that Sync makes a NoSync file durable: its pages are
// dirty in the page cache after the write, and none is after Sync. A Sync that
// did nothing (or synced only the directory) leaves them dirty for the kernel's
// flusher, some 30 seconds later.
func TestSyncWritesBack(t *testing.T) {
	dir := diskDir(t)
	p := filepath.Join(dir, "batch.crt")
	data := bytes.Repeat([]byte("certificate\n"), 64<<10)
	// The flusher may write the pages back between the write and the look at them
	// (on a loaded machine): write again until they are seen dirty.
	for try := 0; ; try++ {
		if try == 5 {
			t.Skip("the file's pages were written back before Sync every time: nothing to tell Sync's work from")
		}
		os.Remove(p)
		if _, err := WriteFile(p, data, Options{Mode: PublicMode, NoSync: true}); err != nil {
			t.Fatal(err)
		}
		if dirtyPages(t, p) > 0 {
			break
		}
	}
	if err := Sync(p); err != nil {
		t.Fatal(err)
	}
	if n := dirtyPages(t, p); n != 0 {
		t.Fatalf("%d pages of %s are still dirty after Sync", n, p)
	}
}
