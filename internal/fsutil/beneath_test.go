package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
)

// beneathFixture is a data directory holding sub/f, and a directory of root's
// holding f, which a link planted at sub would lead to.
func beneathFixture(t *testing.T) (data, sub, victim string) {
	t.Helper()
	data, victim = t.TempDir(), t.TempDir()
	sub = filepath.Join(data, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{sub, victim} {
		if err := os.WriteFile(filepath.Join(d, "f"), []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return data, sub, victim
}

func assertUntouched(t *testing.T, victim string) {
	t.Helper()
	if names := testfs.Names(t, victim); len(names) != 1 {
		t.Errorf("the victim directory holds %v", names)
	}
	if data, _ := os.ReadFile(filepath.Join(victim, "f")); string(data) != "old\n" {
		t.Errorf("the victim's file was changed: %q", data)
	}
}

// TestBeneathRefusesLink: a subdirectory of the data directory that is a link when
// the write starts is not written through, by WriteFile, Txn or RemoveFileBeneath.
func TestBeneathRefusesLink(t *testing.T) {
	data, sub, victim := beneathFixture(t)
	if err := os.RemoveAll(sub); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, sub); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(sub, "f")
	o := Options{Mode: PublicMode, Force: true, Beneath: data}
	if _, err := WriteFile(p, []byte("new\n"), o); !errors.Is(err, ErrEscapes) {
		t.Errorf("WriteFile: want ErrEscapes, got %v", err)
	}
	var txn Txn
	txn.Add(p, []byte("new\n"), o)
	if _, err := txn.Commit(); !errors.Is(err, ErrEscapes) {
		t.Errorf("Txn: want ErrEscapes, got %v", err)
	}
	if err := RemoveFileBeneath(p, data); !errors.Is(err, ErrEscapes) {
		t.Errorf("RemoveFileBeneath: want ErrEscapes, got %v", err)
	}
	assertUntouched(t, victim)
	// Without Beneath the path is followed, as before: the admin's own links.
	if _, err := WriteFile(p, []byte("new\n"), Options{Mode: PublicMode, Force: true}); err != nil {
		t.Fatal(err)
	}
}

// TestBeneathSwappedDuringWrite: the subdirectory is swapped for a link once the
// write has started; the file, its backup and the rename all land in the directory
// that was opened, wherever it now is, never behind the link.
func TestBeneathSwappedDuringWrite(t *testing.T) {
	data, sub, victim := beneathFixture(t)
	testHookBeforeWrite = func(*os.File) {
		if err := os.Rename(sub, sub+".moved"); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, sub); err != nil {
			t.Fatal(err)
		}
	}
	defer func() { testHookBeforeWrite = nil }()
	var txn Txn
	txn.Add(filepath.Join(sub, "f"), []byte("new\n"), Options{Mode: PublicMode, Force: true, Beneath: data})
	w, err := txn.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if w[0].Path != filepath.Join(sub, "f") || !w[0].Replaced {
		t.Errorf("reported %+v", w[0])
	}
	if got, _ := os.ReadFile(filepath.Join(sub+".moved", "f")); string(got) != "new\n" {
		t.Errorf("the opened directory holds %q", got)
	}
	if names := testfs.Names(t, sub+".moved"); len(names) != 1 {
		t.Errorf("the opened directory holds %v", names)
	}
	assertUntouched(t, victim)
}

// TestWithin: the directory a path lies in a subdirectory of, for Beneath; none for
// a file directly in one of them, or outside them all.
func TestWithin(t *testing.T) {
	for _, c := range []struct {
		path string
		want string
	}{
		{"/data/sub/f", "/data"},
		{"/etc/pg/conf.d/f", "/etc/pg"},
		{"/data/f", ""},
		{"/etc/pg/f", ""},
		{"/elsewhere/sub/f", ""},
		{"/data/../etc/sub/f", ""},
	} {
		if got := Within(c.path, "/data", "", "/etc/pg"); got != c.want {
			t.Errorf("Within(%s) = %q, want %q", c.path, got, c.want)
		}
	}
}
