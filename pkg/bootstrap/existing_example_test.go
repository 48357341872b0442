package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/bootstrap"
)

func ExampleRefuseExisting() {
	dir, _ := os.MkdirTemp("", "existing")
	defer os.RemoveAll(dir)
	key := filepath.Join(dir, "server.key")
	os.WriteFile(key, []byte("old"), 0o600)
	err := bootstrap.RefuseExisting(false, filepath.Join(dir, "server.crt"), key)
	fmt.Println(err != nil, bootstrap.RefuseExisting(true, key))
	// Output: true <nil>
}

func ExampleInheritedOwner() {
	dir, _ := os.MkdirTemp("", "owner")
	defer os.RemoveAll(dir)
	uid, gid, _ := bootstrap.InheritedOwner(filepath.Join(dir, "not", "yet"))
	wantUID, wantGID, _ := bootstrap.DirOwner(dir)
	fmt.Println(uid == wantUID, gid == wantGID)
	// Output: true true
}

func ExampleMkdirOwned() {
	dir, _ := os.MkdirTemp("", "mkdir")
	defer os.RemoveAll(dir)
	err := bootstrap.MkdirOwned(filepath.Join(dir, "alice", ".postgresql"), false, 0, 0)
	fi, _ := os.Stat(filepath.Join(dir, "alice"))
	fmt.Println(err, fi.Mode().Perm())
	// Output: <nil> -rwx------
}
