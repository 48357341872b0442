package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
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
