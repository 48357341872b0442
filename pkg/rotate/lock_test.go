package rotate

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// TestRenewConcurrent: eight renewals at once, half of them with a new key, leave a
// server.key that belongs to server.crt, and .prev files that belong together.
func TestRenewConcurrent(t *testing.T) {
	fx := newFixture(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			o := fx.options(t)
			o.Force, o.Rekey = true, i%2 == 1
			_, errs[i] = Renew(o)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	for _, suffix := range []string{"", PrevSuffix} {
		k, err := keys.Parse(fx.Read(t, "server.key"+suffix), nil)
		if err != nil {
			t.Fatal(err)
		}
		certs, err := chain.ParseCertificates(fx.Read(t, "server.crt"+suffix))
		if err != nil {
			t.Fatal(err)
		}
		if !keys.PublicKeysEqual(k.Signer.Public(), certs[0].PublicKey) {
			t.Errorf("server.key%s does not belong to server.crt%s", suffix, suffix)
		}
	}
	if left := fx.Leftovers(t, StagePrefix); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestRenewWaitsForLock: a run that finds the data directory locked says so, waits,
// and renews once the lock is released.
func TestRenewWaitsForLock(t *testing.T) {
	fx := newFixture(t)
	held, err := os.Open(fx.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan string, 1)
	done := make(chan error, 1)
	o := fx.options(t)
	o.Force = true
	o.Info = func(msg string) { waiting <- msg }
	go func() {
		_, err := Renew(o)
		done <- err
	}()
	if msg := <-waiting; msg != "waiting for another pgcert run to finish with "+fx.Dir {
		t.Errorf("info %q", msg)
	}
	select {
	case err := <-done:
		t.Fatalf("renewed while the lock was held: %v", err)
	default:
	}
	if _, err := os.Stat(fx.Path("server.crt.prev")); err == nil {
		t.Fatal("files written while the lock was held")
	}
	held.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestRenewRemovesStaleStages: a staging directory a killed run left, with the key
// it staged, is gone after the next run, even one with nothing to do; a link in it
// is removed, not followed.
func TestRenewRemovesStaleStages(t *testing.T) {
	fx := newFixture(t)
	victim := filepath.Join(t.TempDir(), "victim")
	testdatadir.Write(t, filepath.Dir(victim), "victim/keep", []byte("keep"), 0o600)
	stale := fx.Path(StagePrefix + "123456")
	testdatadir.Write(t, stale, "server.key", fx.KeyPEM, 0o600)
	if err := os.Symlink(victim, filepath.Join(stale, "link")); err != nil {
		t.Fatal(err)
	}
	o := fx.options(t)
	o.WithinSet = true
	rep, err := Renew(o)
	if err != nil || rep.Action != ActionNothing {
		t.Fatalf("%v, %+v", err, rep)
	}
	if left := fx.Leftovers(t, StagePrefix); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if data, err := os.ReadFile(filepath.Join(victim, "keep")); err != nil || string(data) != "keep" {
		t.Errorf("the link's target was touched: %v", err)
	}
}

// TestStageSwapped: the data directory's owner renames the stage away and puts a
// link to another directory in its place while the set is checked. Nothing is
// written or removed through the link, and the staged files are gone from the
// directory pgcert made, wherever it went.
func TestStageSwapped(t *testing.T) {
	fx := newFixture(t)
	victim := t.TempDir()
	testdatadir.Write(t, victim, "keep", []byte("keep"), 0o600)
	moved := filepath.Join(fx.Dir, "moved")
	o := fx.options(t)
	o.Force, o.Rekey = true, true
	o.Validate = func(s *pgdata.Setup, _ time.Time) ([]string, []string) {
		stage := filepath.Dir(s.Staged["ssl_key_file"])
		if err := os.Rename(stage, moved); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, stage); err != nil {
			t.Fatal(err)
		}
		return nil, nil
	}
	if _, err := Renew(o); err != nil {
		t.Fatal(err)
	}
	if entries, err := os.ReadDir(moved); err != nil || len(entries) != 0 {
		t.Errorf("the moved stage holds %v (%v)", entries, err)
	}
	if entries, _ := os.ReadDir(victim); len(entries) != 1 {
		t.Errorf("the link's target holds %v", entries)
	}
}

// TestRemoveStaleStages: what another command calls removes a killed run's stage
// with its key, but not while a renewal holds the data directory (the stage is that
// run's), nor a directory of the name that pgcert did not make.
func TestRemoveStaleStages(t *testing.T) {
	fx := newFixture(t)
	stale := fx.Path(StagePrefix + "123456")
	testdatadir.Write(t, stale, "server.key", fx.KeyPEM, 0o600)
	release, err := lockDataDir(fx.Dir, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	removed, err := RemoveStaleStages(fx.Dir)
	release()
	if err != nil || len(removed) != 0 {
		t.Fatalf("while a run holds the lock: removed %v, %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(stale, "server.key")); err != nil {
		t.Fatalf("a live run's stage was touched: %v", err)
	}
	removed, err = RemoveStaleStages(fx.Dir)
	if err != nil || len(removed) != 1 || removed[0] != stale {
		t.Fatalf("removed %v, %v; want %s", removed, err, stale)
	}
	if left := fx.Leftovers(t, StagePrefix); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if os.Geteuid() == 0 {
		other := fx.Path(StagePrefix + "654321")
		testdatadir.Write(t, other, "theirs", []byte("theirs"), 0o600)
		if err := os.Chown(other, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		if removed, err := RemoveStaleStages(fx.Dir); err != nil || len(removed) != 0 {
			t.Errorf("another user's directory: removed %v, %v", removed, err)
		}
	}
}
