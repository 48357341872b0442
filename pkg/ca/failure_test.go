package ca

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestFailedAppendRecordsNothing makes the index append meet a full disk (the index
// opened as /dev/full after the copy is written): the issue fails with a
// *fsutil.WriteError that says so, and the certificate copy is removed.
func TestFailedAppendRecordsNothing(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	c := newCA(t, CreateOptions{})
	issueClient(t, c, "kept")
	path := filepath.Join(c.Dir, IndexFile)
	testHookOpenAppend = func(string) (*os.File, error) { return os.OpenFile("/dev/full", os.O_WRONLY, 0) }
	defer func() { testHookOpenAppend = nil }()
	_, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("lost"), PublicKey: testpki.NewKey(t).Public(), Now: testNow})
	var we *fsutil.WriteError
	if !errors.As(err, &we) || we.Path != path || !fsutil.IsNoSpace(err) {
		t.Fatalf("issue on a full disk: %v", err)
	}
	testHookOpenAppend = nil
	files, _ := os.ReadDir(filepath.Join(c.Dir, NewCertsDir))
	if len(files) != 1 || len(readIndexFile(t, c.Dir)) != 1 {
		t.Fatalf("after a failed issue: %d copies, want the one listed", len(files))
	}
}

// TestFailedCreateLeavesNoCA makes Create fail half way (private/ is a file, so the
// key cannot be written): the files it wrote before are removed, and what was there
// stays.
func TestFailedCreateLeavesNoCA(t *testing.T) {
	for _, inter := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "ca")
		blocked := dir
		if inter {
			blocked = filepath.Join(dir, RootDir)
		}
		if err := os.MkdirAll(blocked, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(blocked, "private"), []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Create(dir, CreateOptions{Intermediate: inter, Now: testNow}); err == nil {
			t.Fatal("Create succeeded without a place for its key")
		}
		var left []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				left = append(left, rel)
			}
			return nil
		})
		want := map[string]bool{LockFile: true, filepath.Join(RootDir, LockFile): inter,
			filepath.Join(map[bool]string{true: RootDir}[inter], "private"): true}
		for _, p := range left {
			if !want[p] {
				t.Errorf("intermediate=%v: a failed Create left %s", inter, p)
			}
		}
		if data, _ := os.ReadFile(filepath.Join(blocked, "private")); string(data) != "mine" {
			t.Errorf("the file in the way was changed: %q", data)
		}
	}
}

// TestCreateAfterKilledCreate runs Create in a directory a killed Create left: its
// marker, temporary files and bookkeeping, without ca.crt.
func TestCreateAfterKilledCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	os.MkdirAll(filepath.Join(dir, "private"), 0o700)
	os.WriteFile(filepath.Join(dir, creatingFile), nil, 0o600)
	os.WriteFile(filepath.Join(dir, IndexFile), nil, 0o644)
	os.WriteFile(filepath.Join(dir, ".pgcert-tmp-0123456789abcdef"), []byte("-----BEGIN PRIV"), 0o600)
	os.WriteFile(filepath.Join(dir, "private", ".pgcert-tmp-0123456789abcdef"), []byte("-----BEGIN PRIV"), 0o600)
	if _, err := Create(dir, CreateOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "private")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if fsutil.IsTemp(e.Name()) {
				t.Errorf("%s left in %s", e.Name(), d)
			}
		}
	}
}

// TestDamagedIndexLosesNothing damages index.txt in the ways a disk or a hand can:
// emptied, cut in the middle of a line, filled with NUL bytes, garbage at the end.
// No repair may remove a certificate copy or cut the damage away: an index that does
// not parse is an error and stays as it is; copies it no longer lists are kept.
func TestDamagedIndexLosesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func(index []byte) []byte
		wantErr bool
	}{
		{"emptied", func([]byte) []byte { return nil }, false},
		{"cut mid-line", func(b []byte) []byte { return b[:len(b)/2] }, false},
		{"NUL-filled", func(b []byte) []byte { return make([]byte, len(b)) }, true},
		{"garbage after the last line", func(b []byte) []byte { return append(b, "\x00\x01garbage"...) }, true},
		{"garbage line", func(b []byte) []byte { return append([]byte("not an index line\n"), b...) }, true},
		{"a tail longer than a line", func(b []byte) []byte { return append(b, bytes.Repeat([]byte("V"), MaxIndexLine+10)...) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCA(t, CreateOptions{})
			var notes []string
			c.Notify = func(m string) { notes = append(notes, m) }
			issueClient(t, c, "a")
			issueClient(t, c, "b")
			path := filepath.Join(c.Dir, IndexFile)
			before, _ := os.ReadFile(path)
			damaged := tc.damage(before)
			os.WriteFile(path, damaged, 0o644)
			// The copies were written before the damage, as on a real disk.
			old := time.Now().Add(-time.Hour)
			copies, _ := os.ReadDir(filepath.Join(c.Dir, NewCertsDir))
			for _, e := range copies {
				os.Chtimes(filepath.Join(c.Dir, NewCertsDir, e.Name()), old, old)
			}
			_, err := c.List()
			if (err != nil) != tc.wantErr {
				t.Fatalf("List: %v, notes %q", err, notes)
			}
			after, _ := os.ReadDir(filepath.Join(c.Dir, NewCertsDir))
			if len(after) != 2 {
				t.Fatalf("%d copies left of 2, notes %q", len(after), notes)
			}
			if data, _ := os.ReadFile(path); tc.wantErr && !bytes.Equal(data, damaged) {
				t.Fatalf("a damaged index was changed: %q", data)
			}
			if !tc.wantErr && !strings.Contains(strings.Join(notes, "\n"), "kept") {
				t.Fatalf("no report of the unlisted copies: %q", notes)
			}
		})
	}
}

// TestRetryAfterFailedCreate makes Create with an intermediate fail after the root
// was made (the root's issue of the intermediate fails): what is left behind, the
// lock files and an empty root/, must not make the next Create take the directory
// for a CA that lost its certificate.
func TestRetryAfterFailedCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	testHookAfterCopy = func() error { return errors.New("disk gone") }
	_, err := Create(dir, CreateOptions{Intermediate: true, Now: testNow})
	testHookAfterCopy = nil
	if err == nil {
		t.Fatal("Create succeeded though the intermediate's issue failed")
	}
	if _, err := os.Stat(filepath.Join(dir, RootDir, LockFile)); err != nil {
		t.Fatalf("the failure did not happen after root/ was made: %v", err)
	}
	c, err := Create(dir, CreateOptions{Intermediate: true, Now: testNow})
	if err != nil {
		t.Fatalf("retry after a failed Create: %v", err)
	}
	if c.Parent == nil || c.Root() == nil {
		t.Fatal("the retry made no intermediate")
	}
}

// TestCreateKeepsAForeignRoot still refuses a root/ that holds anything but the lock
// file: it may hold the key of a root whose certificate was lost.
func TestCreateKeepsAForeignRoot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	os.MkdirAll(filepath.Join(dir, RootDir, "private"), 0o700)
	os.WriteFile(filepath.Join(dir, RootDir, "private", KeyFile), []byte("key"), 0o600)
	var ie *IncompleteError
	if _, err := Create(dir, CreateOptions{Intermediate: true, Now: testNow}); !errors.As(err, &ie) || ie.Name != RootDir {
		t.Fatalf("Create over a root/ with a key: %v", err)
	}
}

// TestIndexLinkNotFollowed: whoever may write a CA directory can make index.txt a
// link; a run (as root, with --ca-dir naming that directory) must neither read nor
// append to, nor create, what the link leads to.
func TestIndexLinkNotFollowed(t *testing.T) {
	c := newCA(t, CreateOptions{})
	issueClient(t, c, "kept")
	path := filepath.Join(c.Dir, IndexFile)
	victim := filepath.Join(t.TempDir(), "victim")
	for _, exists := range []bool{true, false} {
		os.Remove(victim)
		if exists {
			if err := os.WriteFile(victim, []byte("root's\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, path); err != nil {
			t.Fatal(err)
		}
		_, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("lost"), PublicKey: testpki.NewKey(t).Public(), Now: testNow})
		if !errors.Is(err, fsutil.ErrNotRegular) || !strings.Contains(err.Error(), "index.txt is a symbolic link") {
			t.Errorf("victim exists %v: %v, want a refusal of the link", exists, err)
		}
		data, err := os.ReadFile(victim)
		if exists && string(data) != "root's\n" || !exists && err == nil {
			t.Errorf("victim exists %v: the link was followed (%q, %v)", exists, data, err)
		}
	}
}
