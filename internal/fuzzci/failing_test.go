package fuzzci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFailingInput(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "pkg", "x", "testdata", "fuzz", "FuzzX")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	corpus := "go test fuzz v1\n[]byte(\"files: {}\")\n"
	if err := os.WriteFile(filepath.Join(dir, "aea3c4d3"), []byte(corpus), 0o644); err != nil {
		t.Fatal(err)
	}
	tg := target{dir: "./pkg/x", name: "FuzzX"}
	out := "--- FAIL: FuzzX (0.00s)\n    Failing input written to testdata/fuzz/FuzzX/aea3c4d3\n"
	got := failingInput(root, tg, out)
	if !strings.Contains(got, corpus) || !strings.Contains(got, filepath.Join("pkg", "x", "testdata", "fuzz", "FuzzX", "aea3c4d3")) {
		t.Errorf("failingInput = %q", got)
	}
	if got := failingInput(root, tg, "context deadline exceeded"); got != "" {
		t.Errorf("without a failing input: %q", got)
	}
}
