package world_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/world"
)

func TestMakeFileCommand(t *testing.T) {
	var ue *hint.UsageError
	if _, err := world.MakeFile("", "out", world.Options{}); !errors.As(err, &ue) || err.Error() != "give the spec with -f FILE" {
		t.Errorf("no spec: %v", err)
	}
	if _, err := world.MakeFile("pki.yaml", "", world.Options{}); !errors.As(err, &ue) || err.Error() != "give the output directory with -o DIR" {
		t.Errorf("no output: %v", err)
	}
	dir := t.TempDir()
	var read []string
	opts := world.Options{ReadFile: func(path string) ([]byte, error) {
		read = append(read, path)
		return []byte("certs:\n  root: {subject: /CN=root, key: ec:P-256, ca: true}\nfiles:\n  root.crt: {cert: root}\n"), nil
	}}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	os.WriteFile(filepath.Join(out, "mine"), nil, 0o644)
	_, err := world.MakeFile("pki.yaml", out, opts)
	var he *hint.Error
	if !errors.Is(err, world.ErrNotWorld) || !errors.As(err, &he) || !strings.Contains(he.Hints[0], "--force") || len(read) != 1 || read[0] != "pki.yaml" {
		t.Errorf("a directory make did not make: %v, read %q", err, read)
	}
	opts.Force = true
	if res, err := world.MakeFile("pki.yaml", out, opts); err != nil || res.Cert("root") == nil {
		t.Errorf("with Force: %v", err)
	}
}
