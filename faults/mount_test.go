package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// pageSize is the unit in which tmpfs hands out space.
const pageSize = 4096

// mountTmpfs mounts a tmpfs of size bytes on a new directory and unmounts it when the
// test ends. Without root the test is skipped; a refused mount skips it too, except
// under CI=true (where the suite runs as root and the mount must work), which fails.
func mountTmpfs(t testing.TB, size int) string {
	t.Helper()
	requireRoot(t)
	dir, err := os.MkdirTemp(binDir, "tmpfs-")
	if err != nil {
		t.Fatal(err)
	}
	unmount := mountAt(t, dir, size)
	t.Cleanup(func() {
		unmount()
		os.Remove(dir)
	})
	return dir
}

// mountAt mounts a tmpfs of size bytes on the directory dir, and returns the function
// that unmounts it.
func mountAt(t testing.TB, dir string, size int) (unmount func()) {
	t.Helper()
	opts := fmt.Sprintf("size=%d,mode=0755", size)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, opts); err != nil {
		testenv.Missing(t, fmt.Sprintf("mount -t tmpfs -o %s tmpfs %s: %v (a container without CAP_SYS_ADMIN refuses mounts)", opts, dir, err))
	}
	return func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			// Something still holds it (a killed child's open file): detach it, so
			// that it goes away once released.
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("umount %s: %v", dir, err)
			}
		}
	}
}

// remount changes a mount's flags: syscall.MS_RDONLY makes it read-only, 0 writable
// again.
func remount(t testing.TB, dir string, flags uintptr) {
	t.Helper()
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_NOSUID|syscall.MS_NODEV|flags, ""); err != nil {
		t.Fatalf("remount %s: %v", dir, err)
	}
}

// freePages returns the pages free on the filesystem holding dir.
func freePages(t testing.TB, dir string) int {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int(st.Bavail) * int(st.Bsize) / pageSize
}

// fillTo writes a filler file into dir (named so that no command reads it) that
// leaves exactly pages pages free on its filesystem. tmpfs sometimes settles its
// count of the pages just freed a moment late, so the filler is adjusted until the
// count is right.
func fillTo(t testing.TB, dir string, pages int) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "filler"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64*pageSize)
	size := int64(0)
	for range 100 {
		free := freePages(t, dir)
		switch {
		case free == pages:
			return
		case free > pages:
			for n := (free - pages) * pageSize; n > 0; {
				w := min(n, len(chunk))
				if _, err := f.WriteAt(chunk[:w], size); err != nil {
					t.Fatalf("filling %s: %v", dir, err)
				}
				size += int64(w)
				n -= w
			}
		default:
			size -= int64(min(pages-free, int(size/pageSize)) * pageSize)
			if err := f.Truncate(size); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Fatalf("cannot leave %d pages free on %s: %d are", pages, dir, freePages(t, dir))
}
