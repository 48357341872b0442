package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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

// freePages returns the pages free on the filesystem holding dir, as the tmpfs
// itself counts them.
func freePages(dir string) (int, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int(st.Bavail) * int(st.Bsize) / pageSize, nil
}

// fillTo writes a filler file into dir (named so that no command reads it) that
// leaves exactly pages pages free on its filesystem, reading the count from the
// tmpfs after each change rather than computing it. tmpfs settles its count of the
// pages just freed a moment late, the later the busier the machine: when the count
// is not yet right, fillTo waits a little longer each time before it looks again.
// It returns an error when the count never settles, or when even with no filler
// fewer pages are free than asked for: the caller sets the directory up again.
func fillTo(dir string, pages int) error {
	f, err := os.OpenFile(filepath.Join(dir, "filler"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	chunk := make([]byte, 64*pageSize)
	size := int64(0)
	free := 0
	for try := range 60 {
		if free, err = freePages(dir); err != nil {
			return err
		}
		switch {
		case free == pages:
			return nil
		case free > pages:
			for n := (free - pages) * pageSize; n > 0; {
				w := min(n, len(chunk))
				if _, err := f.WriteAt(chunk[:w], size); err != nil {
					return fmt.Errorf("filling %s: %w", dir, err)
				}
				size += int64(w)
				n -= w
			}
		default:
			size -= int64(min(pages-free, int(size/pageSize)) * pageSize)
			if err := f.Truncate(size); err != nil {
				return err
			}
		}
		if try >= 3 {
			time.Sleep(time.Duration(try) * time.Millisecond)
		}
	}
	return fmt.Errorf("cannot leave %d pages free on %s: %d are (filler %d pages)", pages, dir, free, size/pageSize)
}

// TestFillTo checks the harness TestDiskFull stands on: fillTo leaves exactly the
// pages asked for, and says so, rather than stopping the test, when something else
// holds more of the tmpfs than that leaves (its caller then sets up again).
func TestFillTo(t *testing.T) {
	mnt := mountTmpfs(t, 1<<20)
	for _, pages := range []int{0, 1, 7} {
		if err := fillTo(mnt, pages); err != nil {
			t.Fatal(err)
		}
		if free, err := freePages(mnt); err != nil || free != pages {
			t.Fatalf("fillTo(%d): %d pages free, %v", pages, free, err)
		}
	}
	// Another file takes all but 3 pages: 5 cannot be left free.
	if err := os.Remove(filepath.Join(mnt, "filler")); err != nil {
		t.Fatal(err)
	}
	if err := fillTo(mnt, 3); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(mnt, "filler"), filepath.Join(mnt, "other")); err != nil {
		t.Fatal(err)
	}
	err := fillTo(mnt, 5)
	if err == nil || !strings.Contains(err.Error(), "cannot leave 5 pages free") {
		t.Fatalf("fillTo(5) with 3 pages free to start with: %v", err)
	}
}
