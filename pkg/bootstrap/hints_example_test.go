package bootstrap_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
)

func ExamplePrepareDataDir() {
	dir, _ := os.MkdirTemp("", "pgdata")
	defer os.RemoveAll(dir)
	abs, created, err := bootstrap.PrepareDataDir(filepath.Join(dir, "15", "main"))
	fmt.Println(filepath.Base(abs), created, err)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	_, _, err = bootstrap.PrepareDataDir(file)
	fmt.Println(err.(*hint.Error).Hints)
	// Output:
	// main true <nil>
	// [give the data directory with -D]
}

func ExampleConfigHint() {
	err := bootstrap.ConfigHint(&bootstrap.ConfigError{File: "/pg/postgresql.conf", Message: "line 3: syntax error"})
	fmt.Println(err)
	fmt.Println(bootstrap.ConfigHint(nil))
	// Output:
	// /pg/postgresql.conf: line 3: syntax error; nothing was written
	// <nil>
}

func ExampleClientsDirFor() {
	dir, err := bootstrap.ClientsDirFor("", "/etc/pgcert/ca", "/pg", "/pg", 1)
	fmt.Println(dir, err)
	_, err = bootstrap.ClientsDirFor("/pg/clients", "/etc/pgcert/ca", "/pg", "/pg", 1)
	fmt.Println(err)
	// Output:
	// /etc/pgcert/ca/clients <nil>
	// the client bundle directory /pg/clients is inside the data directory /pg
}

func ExampleTargetHint() {
	err := bootstrap.TargetHint(&bootstrap.TargetError{Path: "/pg/server.key", Others: 2}, "/pg")
	fmt.Println(err)
	fmt.Println(err.(*hint.Error).Hints[0])
	// Output:
	// /pg/server.key already exists (and 2 other file(s)); nothing was written
	// add --force to replace them; after pgcert ca revoke, the CRL alone is refreshed with: pgcert renew -D /pg --reload
}

func ExampleOtherCAHint() {
	err := bootstrap.OtherCAHint(&bootstrap.OtherCAError{Path: "/pg/root.crt", Issuer: "CN=old", RecordedDir: "/ca/old", CADir: "/ca/new"}, "/pg")
	fmt.Println(err)
	fmt.Println(err.(*hint.Error).Hints[0])
	fmt.Println(bootstrap.OtherCAHint(errors.New("other"), "/pg"))
	// Output:
	// /pg/root.crt comes from the CA CN=old (/ca/old), not from a new CA in /ca/new; nothing was written
	// keep the data directory's CA: pgcert init -D /pg --ca-dir /ca/old --force
	// other
}

// OutsideHint names each refused file once: allowing a file allows its backup.
func ExampleOutsideHint() {
	refused := &bootstrap.OutsideError{
		Paths:   []string{"/etc/pg/pg_hba.conf", "/etc/pg/pg_hba.conf" + bootstrap.BackupSuffix},
		Reasons: []string{"belongs to root", "belongs to root"},
	}
	err := bootstrap.OutsideHint(refused, func(extra ...string) string {
		return "pgcert init -D /srv/pg --configure " + strings.Join(extra, " ")
	})
	var he *hint.Error
	errors.As(err, &he)
	fmt.Println(he.Hints[1])
	// Output: if you checked the file and mean init to edit it: pgcert init -D /srv/pg --configure --allow-outside /etc/pg/pg_hba.conf
}
