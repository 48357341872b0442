// Command gendocs regenerates completions/ and man/ from pgcert's command tree. It is
// run by `go generate ./...` and is not part of the pgcert binary.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pgcert/pgcert/internal/gendocs"
)

func main() {
	dir := flag.String("dir", ".", "repository root: completions/ and man/ are written below it")
	flag.Parse()
	if err := gendocs.Generate(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
