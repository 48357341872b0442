// Command pgcert makes and checks the SSL files of PostgreSQL servers and clients.
package main

import (
	"os"

	"github.com/pgcert/pgcert/internal/cli"
	"github.com/pgcert/pgcert/internal/iostreams"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], iostreams.System()))
}
