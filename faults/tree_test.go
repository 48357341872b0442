package faults

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// tempPrefix starts the names of fsutil's temporary files and backups.
const tempPrefix = ".pgcert-tmp-"

// entry is the state of one directory entry: enough to tell any change.
type entry struct {
	Mode     fs.FileMode
	Size     int64
	UID, GID uint32
	Sum      string // SHA-256 of a regular file's content
	Link     string // a symbolic link's target
}

// tree maps each entry below a directory (slash-separated, relative) to its state.
type tree map[string]entry

// snapshot records every entry below root, hashing every regular file.
func snapshot(t testing.TB, root string) tree {
	t.Helper()
	out := tree{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		e := entry{Mode: fi.Mode()}
		if fi.Mode().IsRegular() {
			e.Size = fi.Size()
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = st.Uid, st.Gid
		}
		switch {
		case fi.Mode().IsRegular() && fi.Size() > 8<<20:
			// The huge inputs of the bad-input corpus: their size and time of
			// change tell a write as well as a hash, without reading 300 MiB.
			e.Sum = fmt.Sprintf("%d bytes, changed %d", fi.Size(), fi.ModTime().UnixNano())
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			s := sha256.Sum256(data)
			e.Sum = hex.EncodeToString(s[:])
		case fi.Mode()&fs.ModeSymlink != 0:
			e.Link, _ = os.Readlink(path)
		}
		out[filepath.ToSlash(rel)] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// changes lists what differs from before to after: entries added, removed and
// changed, each sorted.
func changes(before, after tree) (added, removed, changed []string) {
	for p, a := range after {
		b, ok := before[p]
		switch {
		case !ok:
			added = append(added, p)
		case a != b:
			changed = append(changed, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			removed = append(removed, p)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	sort.Strings(changed)
	return added, removed, changed
}

// temps lists the temporary files of fsutil in a tree.
func (tr tree) temps() []string {
	var out []string
	for p := range tr {
		if strings.HasPrefix(filepath.Base(p), tempPrefix) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// assertUnchanged fails the test when anything below root differs from before.
func assertUnchanged(t testing.TB, root string, before tree, what string) {
	t.Helper()
	after := snapshot(t, root)
	added, removed, changed := changes(before, after)
	if len(added)+len(removed)+len(changed) > 0 {
		t.Fatalf("%s changed %s: added %q, removed %q, changed %q", what, root, added, removed, changed)
	}
}

// freshWorld copies the world w into a new directory of the test's and returns it,
// so that a run can change (or wrongly damage) its copy alone.
func freshWorld(t testing.TB, w string) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "w")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	copyTree(t, w, d)
	return d
}

// copyTree copies the directory src into dst (which must exist), keeping modes and
// the files' times (a CA's repairs go by them); regular files and directories only,
// which is all the fixtures hold.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if rel == "." {
				return nil
			}
			if err := os.Mkdir(target, fi.Mode().Perm()); err != nil {
				return err
			}
			return os.Chmod(target, fi.Mode().Perm())
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, data, fi.Mode().Perm()); err != nil {
				return err
			}
			if err := os.Chtimes(target, fi.ModTime(), fi.ModTime()); err != nil {
				return err
			}
			return os.Chmod(target, fi.Mode().Perm())
		}
		return fmt.Errorf("%s: not a regular file or directory", path)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// emptyDir removes everything inside dir, leaving dir itself.
func emptyDir(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}
