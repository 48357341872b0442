package world_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/world"
)

func ExampleResult_WriteText() {
	r := &world.Result{Dir: "pki", Changed: true, Files: []world.FileResult{
		{Path: "server.key", Mode: "0600", Status: "made"},
		{Path: "root.crt", Mode: "0644", Status: "unchanged"},
	}}
	r.WriteText(os.Stdout)
	r.Changed = false
	r.WriteText(os.Stdout)
	// Output:
	// made server.key (0600)
	// pki: 1 made, 1 unchanged
	// pki is up to date (2 files)
}

func ExampleMakeHint() {
	dir, _ := os.MkdirTemp("", "world-hint-")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	spec, _ := world.Parse("pki.yaml", []byte(exampleSpec))
	_, err := world.Make(spec, dir, world.Options{})
	err = world.MakeHint(err, "pki.yaml", "out")
	fmt.Println(strings.Join(err.(*hint.Error).Hints, "\n"))
	// Output: choose an empty or new directory, or replace out as a whole: pgcert make -f pki.yaml -o out --force
}
