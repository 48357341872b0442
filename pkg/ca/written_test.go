package ca

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An intermediate made under a root lists only its own files, and says where its
// root is and how to issue from it.
func TestCreatedReportIntermediate(t *testing.T) {
	base := t.TempDir()
	now := time.Now()
	root, err := Create(filepath.Join(base, "root"), CreateOptions{CommonName: "Root", Intermediate: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	top := IntermediateRoot(root)
	n, err := CreateIntermediate(top, filepath.Join(base, "second ca"), IntermediateOptions{CommonName: "Second", Days: 30, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	r := n.CreatedReport(top)
	if len(r.Files) == 0 {
		t.Fatal("no files listed")
	}
	for _, f := range r.Files {
		if !strings.HasPrefix(f.Path, n.Dir+string(filepath.Separator)) {
			t.Errorf("file %s is not the new CA's", f.Path)
		}
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"created an intermediate CA in " + n.Dir + "\n",
		"  signed by:       CN = Root, in " + top.Dir + " (linked as " + filepath.Join(n.Dir, RootDir) + ")\n",
		"pgcert ca issue client --ca-dir '" + n.Dir + "' --user postgres\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	// A new CA lists every file, its root's too.
	all := root.CreatedReport(nil)
	if len(all.Files) != len(root.Files()) {
		t.Errorf("ca init report lists %d files, want %d", len(all.Files), len(root.Files()))
	}
}
