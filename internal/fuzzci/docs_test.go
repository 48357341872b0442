package fuzzci

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestReliabilityFigures holds docs/reliability.md's fuzzing figures to the tree:
// the number of targets it states is the number TestFuzzTargets finds, and the
// seconds each is fuzzed under CI=true are defaultCIFuzzTime.
func TestReliabilityFigures(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "reliability.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`the (\d+) fuzz targets[\s\S]*?run for (\d+) seconds each under\s+` + "`CI=true`").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/reliability.md no longer says how many fuzz targets run for how long under CI=true")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(targets(t, root)) {
		t.Errorf("docs/reliability.md says %d fuzz targets; the tree has %d", n, len(targets(t, root)))
	}
	want, _ := time.ParseDuration(defaultCIFuzzTime)
	if s, _ := strconv.Atoi(string(m[2])); time.Duration(s)*time.Second != want {
		t.Errorf("docs/reliability.md says %s seconds each; CI fuzzes each for %s", m[2], defaultCIFuzzTime)
	}
}
