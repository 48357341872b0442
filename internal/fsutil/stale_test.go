package fsutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// leftover makes a temporary file as a killed run leaves it: named, unlocked.
func leftover(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, tempPrefix+randomSuffix())
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRemoveStaleKeepsLiveFiles(t *testing.T) {
	dir := t.TempDir()
	dead := leftover(t, dir, "half a key")
	other := filepath.Join(dir, "server.key")
	os.WriteFile(other, []byte("key"), 0o600)
	// A link planted under a temporary name is not a leftover of pgcert's: left alone.
	link := filepath.Join(dir, tempPrefix+"link")
	os.Symlink(other, link)

	live, liveName, err := createTemp(dir, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	// A Txn's backup: a link to a file a live run holds.
	held := holdFile(other)
	if held == nil {
		t.Fatal("cannot hold server.key")
	}
	backup := filepath.Join(dir, tempPrefix+"backup")
	if err := os.Link(other, backup); err != nil {
		t.Fatal(err)
	}

	removed, err := RemoveStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != dead {
		t.Fatalf("removed %q, want only %s", removed, dead)
	}
	for _, p := range []string{other, link, liveName, backup} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	// Once the backup's run is gone, the backup is a leftover too; the file it was a
	// link to stays.
	release(held)
	if removed, _ := RemoveStale(dir); len(removed) != 1 || removed[0] != backup {
		t.Fatalf("removed %q, want %s", removed, backup)
	}
	if data, _ := os.ReadFile(other); string(data) != "key" {
		t.Fatalf("server.key = %q", data)
	}
}

func TestFirstWriteRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	dead := leftover(t, dir, "partial")
	if _, err := WriteFile(filepath.Join(dir, "root.crt"), []byte("x"), Options{Mode: PublicMode}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Fatalf("the leftover of a killed run is still there: %v", err)
	}
	// A Txn into another directory cleans that one.
	dir2 := t.TempDir()
	dead2 := leftover(t, dir2, "partial")
	var txn Txn
	txn.Add(filepath.Join(dir2, "a"), []byte("a"), Options{Mode: PublicMode})
	if _, err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead2); !os.IsNotExist(err) {
		t.Fatalf("the leftover of a killed run is still there: %v", err)
	}
}

// TestCleanerNeverRemovesLiveWrites runs writers, Txns that replace files, and
// cleaners at once on one directory: every write succeeds with its content, and no
// temporary file is left once all are done.
func TestCleanerNeverRemovesLiveWrites(t *testing.T) {
	dir := t.TempDir()
	const writers, rounds = 4, 30
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*2)
	stop := make(chan struct{})
	var cleaners sync.WaitGroup
	for range 2 {
		cleaners.Add(1)
		go func() {
			defer cleaners.Done()
			for {
				select {
				case <-stop:
					return
				default:
					RemoveStale(dir)
				}
			}
		}()
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				p := filepath.Join(dir, fmt.Sprintf("w%d", w))
				want := fmt.Sprintf("%d-%d", w, i)
				if _, err := WriteFile(p, []byte(want), Options{Mode: KeyMode, Force: true, NoSync: true}); err != nil {
					errs <- err
					continue
				}
				var txn Txn
				txn.Add(p, []byte(want+"a"), Options{Mode: KeyMode, Force: true, NoSync: true})
				txn.Add(p+".b", []byte(want+"b"), Options{Mode: KeyMode, Force: true, NoSync: true})
				if _, err := txn.Commit(); err != nil {
					errs <- err
					continue
				}
				if got, _ := os.ReadFile(p); string(got) != want+"a" {
					errs <- fmt.Errorf("%s = %q, want %q", p, got, want+"a")
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	cleaners.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTemp(e.Name()) {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestTxnBackupSurvivesCleaner runs a cleaner in the middle of a Txn that then fails:
// the backup of the file already replaced is the live run's, not a leftover, and the
// rollback restores it.
func TestTxnBackupSurvivesCleaner(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("old a"), 0o600)
	os.WriteFile(b, []byte("old b"), 0o600)
	n := 0
	rename = func(from, to string) error {
		n++
		if n == 2 {
			if removed, _ := RemoveStale(dir); len(removed) > 0 {
				t.Errorf("the cleaner removed %q during a live Txn", removed)
			}
			return errors.New("injected failure")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	var txn Txn
	txn.Add(a, []byte("new a"), Options{Mode: KeyMode, Force: true})
	txn.Add(b, []byte("new b"), Options{Mode: KeyMode, Force: true})
	if _, err := txn.Commit(); err == nil {
		t.Fatal("the Txn succeeded")
	}
	for p, want := range map[string]string{a: "old a", b: "old b"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q after the rollback, want %q", p, got, want)
		}
	}
}
