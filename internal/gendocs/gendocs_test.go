package gendocs

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cli"
)

// repoRoot is where completions/ and man/ are committed, as go:generate writes them.
const repoRoot = "../.."

const regenerate = "run go generate ./internal/gendocs and commit completions/ and man/"

// readTree returns every file below dir/completions and dir/man by its path
// relative to dir.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, sub := range []string{"completions", "man"} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(dir, path)
			files[filepath.ToSlash(rel)] = data
			return err
		})
		if err != nil {
			t.Fatalf("reading %s: %v (%s)", sub, err, regenerate)
		}
	}
	return files
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// firstDiff describes where two versions of a file first differ.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("committed %d lines, generated %d", len(al), len(bl))
}

// TestCommittedDocsAreCurrent regenerates the completion scripts and man pages and
// compares them, byte for byte, with the committed ones: a command, flag or help
// text changed without regenerating them fails here, in CI.
func TestCommittedDocsAreCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := Generate(dir); err != nil {
		t.Fatal(err)
	}
	generated := readTree(t, dir)
	committed := readTree(t, repoRoot)
	for _, name := range sortedKeys(generated) {
		c, ok := committed[name]
		switch {
		case !ok:
			t.Errorf("%s is missing: %s", name, regenerate)
		case !bytes.Equal(c, generated[name]):
			t.Errorf("%s is out of date (%s): %s", name, firstDiff(c, generated[name]), regenerate)
		}
	}
	for _, name := range sortedKeys(committed) {
		if _, ok := generated[name]; !ok {
			t.Errorf("%s is not generated any more: %s (git rm it)", name, regenerate)
		}
	}
	for _, want := range []string{"completions/pgcert.bash", "completions/_pgcert", "completions/pgcert.fish", "completions/pgcert.ps1", "man/pgcert.1", "man/pgcert-init.1", "man/pgcert-crl-gen.1"} {
		if _, ok := generated[want]; !ok {
			t.Errorf("Generate wrote no %s", want)
		}
	}
}

// sentinelFactory is a Factory whose host name, environment and clock are marked
// with mark, so that any of them leaking into the pages shows.
func sentinelFactory(mark string) func() *cli.Factory {
	return func() *cli.Factory {
		f := neutralFactory()
		f.Hostname = func() (string, error) { return "host-" + mark + ".invalid", nil }
		f.Getenv = func(k string) (string, bool) { return "/env-" + mark + "/" + k, true }
		f.Now = func() time.Time { return time.Date(1987, 6, 5, 4, 3, 2, 0, time.UTC) }
		if mark == "b" {
			f.Now = func() time.Time { return time.Date(2091, 2, 3, 4, 5, 6, 0, time.UTC) }
		}
		return f
	}
}

// TestGenerateIsReproducible generates the pages twice, under two made-up machines
// (host name, environment, clock, and the process's own HOME, USER and PostgreSQL
// variables), and wants the same bytes as Generate: nothing of the machine, such as
// a flag whose default is the host name, may appear in the pages.
func TestGenerateIsReproducible(t *testing.T) {
	want := t.TempDir()
	if err := Generate(want); err != nil {
		t.Fatal(err)
	}
	wantFiles := readTree(t, want)
	for _, mark := range []string{"a", "b"} {
		for _, k := range []string{"HOME", "USER", "LOGNAME", "XDG_DATA_HOME", "PGCERT_CA_DIR", "PGDATA", "PGHOST", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "PGCERT_NO_INPUT", "NO_COLOR"} {
			t.Setenv(k, "/proc-env-"+mark+"/"+k)
		}
		dir := t.TempDir()
		if err := generate(dir, sentinelFactory(mark)); err != nil {
			t.Fatal(err)
		}
		got := readTree(t, dir)
		if len(got) != len(wantFiles) {
			t.Errorf("machine %s: %d files, want %d", mark, len(got), len(wantFiles))
		}
		for name, data := range got {
			for _, leak := range []string{"host-" + mark, "env-" + mark, "1987", "2091"} {
				if bytes.Contains(data, []byte(leak)) {
					t.Errorf("machine %s: %s holds %q, which comes from the machine it was generated on", mark, name, leak)
				}
			}
			if !bytes.Equal(data, wantFiles[name]) {
				t.Errorf("machine %s: %s differs (%s)", mark, name, firstDiff(wantFiles[name], data))
			}
		}
	}
}
