package ca

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestFailedAppendRecordsNothing makes the index append meet a full disk (the index
// turned into a link to /dev/full after the copy is written): the issue fails with a
// *fsutil.WriteError that says so, and the certificate copy is removed.
func TestFailedAppendRecordsNothing(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	c := newCA(t, CreateOptions{})
	issueClient(t, c, "kept")
	path := filepath.Join(c.Dir, IndexFile)
	saved := path + ".saved"
	testHookAfterCopy = func() error {
		if err := os.Rename(path, saved); err != nil {
			return err
		}
		return os.Symlink("/dev/full", path)
	}
	defer func() { testHookAfterCopy = nil }()
	_, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("lost"), PublicKey: testpki.NewKey(t).Public(), Now: testNow})
	var we *fsutil.WriteError
	if !errors.As(err, &we) || we.Path != path || !fsutil.IsNoSpace(err) {
		t.Fatalf("issue on a full disk: %v", err)
	}
	testHookAfterCopy = nil
	os.Remove(path)
	os.Rename(saved, path)
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
// temporary files and bookkeeping, without ca.crt.
func TestCreateAfterKilledCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	os.MkdirAll(filepath.Join(dir, "private"), 0o700)
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
