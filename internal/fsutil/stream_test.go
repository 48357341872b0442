package fsutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
)

// fillLines writes n numbered lines, one write each.
func fillLines(n int) func(io.Writer) error {
	return func(w io.Writer) error {
		for i := range n {
			if _, err := fmt.Fprintf(w, "line %d\n", i); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestWriteFileFuncModeFromFirstByte(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	var seen []os.FileMode
	testHookBeforeWrite = func(f *os.File) {
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, fi.Mode().Perm())
	}
	defer func() { testHookBeforeWrite = nil }()
	dir := t.TempDir()
	path := filepath.Join(dir, "root.crl")
	w, err := WriteFileFunc(path, Options{Mode: PublicMode}, fillLines(1000))
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != PublicMode || w.Mode != PublicMode || w.Replaced {
		t.Fatalf("mode before the first write %v, written %+v", seen, w)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(data), "\n"); lines != 1000 || !strings.HasSuffix(string(data), "line 999\n") {
		t.Fatalf("content has %d lines", lines)
	}
	if names := testfs.Names(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
}

func TestWriteFileFuncNoClobber(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "root.crl")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	called := false
	_, err := WriteFileFunc(path, Options{Mode: PublicMode}, func(io.Writer) error { called = true; return nil })
	var exists *ExistsError
	if !errors.As(err, &exists) || called {
		t.Fatalf("without Force: %v (fill called: %v)", err, called)
	}
	assertContent(t, path, "old")
	w, err := WriteFileFunc(path, Options{Mode: PublicMode, Force: true}, fillLines(2))
	if err != nil || !w.Replaced {
		t.Fatalf("with Force: %v, %+v", err, w)
	}
	assertContent(t, path, "line 0\nline 1\n")
}

func TestWriteFileFuncFailureKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "root.crl")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("signing failed")
	_, err := WriteFileFunc(path, Options{Mode: PublicMode, Force: true}, func(w io.Writer) error {
		fillLines(10)(w)
		return boom
	})
	var we *WriteError
	if !errors.Is(err, boom) || errors.As(err, &we) {
		t.Fatalf("fill's own error: got %v, want it unchanged", err)
	}
	assertContent(t, path, "old")
	if names := testfs.Names(t, dir); len(names) != 1 {
		t.Fatalf("a failed fill left %v", names)
	}

	// A write that fails is a *WriteError naming the target, even when fill
	// ignores it.
	testHookBeforeWrite = func(f *os.File) { f.Close() }
	defer func() { testHookBeforeWrite = nil }()
	_, err = WriteFileFunc(path, Options{Mode: PublicMode, Force: true}, func(w io.Writer) error {
		w.Write([]byte("lost"))
		return nil
	})
	if !errors.As(err, &we) || we.Path != path || we.Op != "writing" {
		t.Fatalf("failed write: %v", err)
	}
	assertContent(t, path, "old")
	if names := testfs.Names(t, dir); len(names) != 1 {
		t.Fatalf("a failed write left %v", names)
	}
}
