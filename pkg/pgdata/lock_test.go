package pgdata

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestLockDataDirWaits: a second lock on a held data directory says it waits, and
// gets the lock once the first is released.
func TestLockDataDirWaits(t *testing.T) {
	dir := t.TempDir()
	release, err := LockDataDir(dir, func(msg string) { t.Errorf("the first lock waited: %s", msg) })
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan string, 1)
	got := make(chan func(), 1)
	go func() {
		r, err := LockDataDir(dir, func(msg string) { waiting <- msg })
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	if msg := <-waiting; msg != "waiting for another pgcert run to finish with "+dir {
		t.Errorf("waiting message %q", msg)
	}
	select {
	case <-got:
		t.Fatal("locked twice at once")
	default:
	}
	release()
	(<-got)()

	// Released: another open of the directory can take it at once.
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Errorf("still locked after release: %v", err)
	}
}

// TestLockEnclosingDataDir: a path below a data directory, existing or not, locks
// that data directory; a path outside any locks nothing.
func TestLockEnclosingDataDir(t *testing.T) {
	root := t.TempDir()
	dd := filepath.Join(root, "pgdata")
	os.MkdirAll(filepath.Join(dd, "crl"), 0o700)
	os.WriteFile(filepath.Join(dd, "PG_VERSION"), []byte("15\n"), 0o600)
	for _, path := range []string{filepath.Join(dd, "root.crl"), filepath.Join(dd, "crl", "new", "x.r0"), dd} {
		release, got, err := LockEnclosingDataDir(path, nil)
		if err != nil || got != dd {
			t.Fatalf("%s: %q, %v", path, got, err)
		}
		f, _ := os.Open(dd)
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			t.Errorf("%s: %s was not locked", path, dd)
		}
		f.Close()
		release()
	}
	release, got, err := LockEnclosingDataDir(filepath.Join(root, "elsewhere", "root.crl"), nil)
	if err != nil || got != "" {
		t.Errorf("outside: %q, %v", got, err)
	}
	release()
}
