package fuzzci

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
)

// defaultCIFuzzTime is how long each target is fuzzed under CI=true: with about
// twenty targets, a few minutes in all — long enough to catch a shallow crash in a
// change, short enough to run on every push. PGCERT_FUZZTIME overrides it.
const defaultCIFuzzTime = "8s"

var fuzzFunc = regexp.MustCompile(`^func (Fuzz\w+)\(\w+ \*testing\.F\)`)

type target struct {
	dir, name string
}

// targets finds every fuzz target in the module's packages.
func targets(t *testing.T, root string) []target {
	var out []target
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m := fuzzFunc.FindStringSubmatch(sc.Text()); m != nil {
				rel, _ := filepath.Rel(root, filepath.Dir(path))
				out = append(out, target{dir: "./" + filepath.ToSlash(rel), name: m[1]})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].dir != out[j].dir {
			return out[i].dir < out[j].dir
		}
		return out[i].name < out[j].name
	})
	return out
}

func fuzz(gobin, root string, tg target, fuzztime string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "test", "-run=^$", "-fuzz=^"+tg.name+"$", "-fuzztime="+fuzztime, "-fuzzminimizetime=30s", "-parallel=1", tg.dir)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestFuzzTargets fuzzes each target for PGCERT_FUZZTIME (under CI=true: 8s). Any
// crasher fails the test; `go test -fuzz` has then written its input under the
// package's testdata/fuzz/, where it stays as a regression case once fixed.
func TestFuzzTargets(t *testing.T) {
	fuzztime := os.Getenv("PGCERT_FUZZTIME")
	if fuzztime == "" && testenv.InCI() {
		fuzztime = defaultCIFuzzTime
	}
	if fuzztime == "" {
		t.Skip("set PGCERT_FUZZTIME (e.g. 10s) to fuzz every target; CI does")
	}
	if _, err := time.ParseDuration(fuzztime); err != nil {
		t.Fatalf("PGCERT_FUZZTIME=%q: %v", fuzztime, err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "the go command is not in PATH: the fuzz targets cannot run")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	all := targets(t, root)
	if len(all) == 0 {
		t.Fatal("no fuzz targets found")
	}
	for _, tg := range all {
		t.Run(strings.TrimPrefix(tg.dir, "./")+"/"+tg.name, func(t *testing.T) {
			for attempt := 1; ; attempt++ {
				out, err := fuzz(gobin, root, tg, fuzztime)
				if err == nil {
					return
				}
				// On a loaded machine the fuzzing coordinator sometimes gives up on a
				// busy worker when the time is up and reports only "context deadline
				// exceeded", with no failing input: that is the tool, not a crash, so
				// it is run again. A real failure names its input and fails at once.
				flake := strings.Contains(out, "context deadline exceeded") && !strings.Contains(out, "Failing input")
				if !flake || attempt == 3 {
					t.Fatalf("go test -fuzz=%s %s: %v\n%s%s", tg.name, tg.dir, err, out, failingInput(root, tg, out))
				}
				t.Logf("attempt %d ended with the fuzzer's own deadline error; running again", attempt)
			}
		})
	}
}

var failingInputLine = regexp.MustCompile(`Failing input written to (testdata/fuzz/\S+)`)

// failingInput returns the crasher's corpus file as the fuzzer wrote it, so that a
// failure in CI's throwaway clone can be reproduced: saved under the same name in
// the package's testdata/fuzz/, it is rerun by plain `go test`.
func failingInput(root string, tg target, out string) string {
	m := failingInputLine.FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	name := filepath.Join(tg.dir, filepath.FromSlash(m[1]))
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		return fmt.Sprintf("\nthe failing input could not be read: %v", err)
	}
	return fmt.Sprintf("\nthe failing input, to save as %s:\n%s", name, data)
}
