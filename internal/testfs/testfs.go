// Package testfs holds what tests of files and directories need again and again,
// in the libraries and in the command line alike: the names a directory holds, and
// a guard against a call that never returns (reading a FIFO waits for a writer
// forever). It imports nothing of pgcert, so that the tests inside any package can
// use it.
package testfs

import (
	"os"
	"testing"
	"time"
)

// Names returns the names of dir's entries, sorted as os.ReadDir sorts them,
// failing the test when dir cannot be read.
func Names(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// hangAfter is how long NoHang waits: far longer than any call it guards takes,
// which returns in microseconds or never, so that a slow machine never fails a
// test that does not hang.
const hangAfter = 20 * time.Second

// NoHang runs fn and fails the test, naming what, when fn has not returned after
// a generous time: a hang detector, not a timing assertion.
func NoHang(t testing.TB, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(hangAfter):
		t.Fatalf("%s hung", what)
	}
}

// Read returns the content of the file at path, failing the test when it cannot be
// read.
func Read(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
