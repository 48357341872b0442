package pgdata_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func ExampleSetup_RefuseSpecialFiles() {
	dir, err := os.MkdirTemp("", "pgdata")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "postgresql.conf"), []byte("ssl = on\n"), 0o600)
	if err := syscall.Mkfifo(filepath.Join(dir, "server.crt"), 0o600); err != nil {
		panic(err)
	}
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		panic(err)
	}
	err = s.RefuseSpecialFiles()
	fmt.Println(strings.TrimPrefix(err.Error(), dir+"/"))
	// Output:
	// server.crt is a FIFO (named pipe), not a regular file: pgcert reads only regular files
}
