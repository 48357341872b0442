package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
)

// TestVersionFromBuild builds pgcert the ways people build it and checks what
// --version says: from a git checkout, the revision and commit time (and +dirty when
// the checkout has changes); with -buildvcs=false, that the build has no VCS
// information. The sources are copied into a fresh repository of the test's own, so
// the revision is known whatever the checkout the test runs in (a git worktree, for
// one, gives the go command no VCS information at all).
func TestVersionFromBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pgcert three times")
	}
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not found")
	}
	src := copyModule(t)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(gitPath, append([]string{"-C", src, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "version test")
	head := git("rev-parse", "HEAD")

	versionOf := func(buildvcs string) string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "pgcert")
		build := exec.Command("go", "build", "-trimpath", "-buildvcs="+buildvcs, "-o", bin, "./cmd/pgcert")
		build.Dir = src
		build.Env = append(os.Environ(), "GOFLAGS=")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build -buildvcs=%s: %v\n%s", buildvcs, err, out)
		}
		out, err := exec.Command(bin, "--version").CombinedOutput()
		if err != nil {
			t.Fatalf("pgcert --version: %v\n%s", err, out)
		}
		return string(out)
	}
	goLine := regexp.MustCompile(`(?m)^built by go1\.\S+ \S+/\S+$`)

	clean := versionOf("true")
	if !regexp.MustCompile(`(?m)^git revision `+head+`, committed \d{4}-\d\d-\d\dT`).MatchString(clean) || !goLine.MatchString(clean) {
		t.Errorf("from a clean checkout at %s, --version says:\n%s", head, clean)
	}
	if !strings.HasPrefix(clean, "pgcert ") || strings.Contains(clean, "+dirty") {
		t.Errorf("from a clean checkout, --version says:\n%s", clean)
	}

	if err := os.WriteFile(filepath.Join(src, "cmd", "pgcert", "main.go"), append(testfs.Read(t, filepath.Join(src, "cmd", "pgcert", "main.go")), "\n// changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if dirty := versionOf("true"); !strings.Contains(dirty, "git revision "+head+"+dirty,") {
		t.Errorf("from a changed checkout, --version says:\n%s", dirty)
	}

	novcs := versionOf("false")
	if !strings.HasPrefix(novcs, "pgcert (devel)\n") || !strings.Contains(novcs, "built without VCS information") || !goLine.MatchString(novcs) {
		t.Errorf("with -buildvcs=false, --version says:\n%s", novcs)
	}
}

// copyModule copies go.mod, go.sum and the files of the packages the pgcert binary
// is built from into a temporary directory, and returns it.
func copyModule(t *testing.T) string {
	t.Helper()
	root := strings.TrimSpace(string(run(t, "go", "list", "-m", "-f", "{{.Dir}}")))
	list := run(t, "go", "list", "-deps", "-f", `{{if .Module}}{{if .Module.Main}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}{{end}}`, "github.com/pgcert/pgcert/cmd/pgcert")
	dst := t.TempDir()
	copyFile := func(rel string) {
		data := testfs.Read(t, filepath.Join(root, rel))
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("go.mod")
	copyFile("go.sum")
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		fields := strings.Fields(line)
		rel, err := filepath.Rel(root, fields[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range fields[1:] {
			copyFile(filepath.Join(rel, name))
		}
	}
	return dst
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out
}
