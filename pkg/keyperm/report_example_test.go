package keyperm_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/style"
)

// names is a Lookup that knows one user and one group, so that the examples print
// the same owner on every machine.
type names struct{}

func (names) LookupUser(name string) (keyperm.Identity, error) {
	return keyperm.Identity{Name: "postgres", UID: 70, GID: 70}, nil
}
func (names) LookupUID(uid uint32) (keyperm.Identity, error) {
	return keyperm.Identity{Name: "postgres", UID: 70, GID: 70}, nil
}
func (names) GroupName(gid uint32) (string, error) { return "postgres", nil }

// exampleKey writes a key file with mode, and returns its FileInfo as seen from
// the user db who owns it.
func exampleKey(mode os.FileMode) (keyperm.FileInfo, keyperm.Identity, func()) {
	dir, err := os.MkdirTemp("", "keyperm")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "server.key")
	if err := os.WriteFile(path, []byte("key"), mode); err != nil {
		panic(err)
	}
	os.Chmod(path, mode)
	db := keyperm.Process()
	return keyperm.Stat(path).Named("server.key"), db, func() { os.RemoveAll(dir) }
}

func ExampleDescribe() {
	fi, db, done := exampleKey(0o644)
	defer done()
	r := keyperm.JudgeServerKey(fi, db)
	rep := keyperm.Describe(keyperm.FileReport{Name: "server.key", Kind: keyperm.FileServerKey}, fi, r, names{})
	fmt.Println(rep.Mode, rep.Owner, rep.OK, rep.Problem)
	// Output:
	// 0644 postgres false group-or-world
}

func ExampleWriteFiles() {
	keyperm.WriteFiles(os.Stdout, []keyperm.FileReport{
		{Name: "server.crt", Setting: "ssl_cert_file", OK: true},
		{Name: "server.key", Setting: "ssl_key_file", Message: `private key file "server.key" has group or world access`,
			Detail: "File must have permissions u=rw (0600) or less if owned by the database user, or permissions u=rw,g=r (0640) or less if owned by root.",
			Fix:    "chmod 0600 server.key"},
	}, style.Plain)
	// Output:
	// ok     server.crt (ssl_cert_file)
	// error  server.key (ssl_key_file): private key file "server.key" has group or world access
	//        DETAIL: File must have permissions u=rw (0600) or less if owned by the database user, or permissions u=rw,g=r (0640) or less if owned by root.
	//        fix: chmod 0600 server.key
}

func ExampleChange() {
	fi, db, done := exampleKey(0o644)
	defer done()
	fx := keyperm.PlanServerKeyFix(fi, db, db)
	ch := keyperm.Change("server.key", fi, fx, names{})
	fmt.Println(ch.OldMode, "->", ch.Mode, ch.OldOwner)
	// Output:
	// 0644 -> 0600 postgres:postgres
}

func ExampleOwnerNames() {
	owner, group := keyperm.OwnerNames(names{}, 70, 70)
	fmt.Println(owner + ":" + group)
	// Output:
	// postgres:postgres
}

func ExampleReport_WriteChanges() {
	rep := &keyperm.Report{Changes: []keyperm.ChangeReport{
		{Name: "server.key", Path: "/srv/pgdata/server.key", OldMode: "0644", Mode: "0600"},
	}}
	rep.WriteChanges(os.Stdout, "nothing to change")
	(&keyperm.Report{}).WriteChanges(os.Stdout, "nothing to change")
	// Output:
	// server.key: chmod 0600 /srv/pgdata/server.key (was 0644)
	// nothing to change
}

func ExampleReport_WriteFixText() {
	rep := &keyperm.Report{
		Changes: []keyperm.ChangeReport{{Name: "server.key", Path: "/srv/pgdata/server.key", OldOwner: "root:root", Owner: "postgres:postgres"}},
		Files: []keyperm.FileReport{
			{Name: "server.key", OK: true},
			{Name: "root.crt", Message: "could not load root certificate file", Fix: "give it to the server"},
		},
	}
	rep.WriteFixText(os.Stdout, style.Plain)
	// Output:
	// server.key: chown postgres:postgres /srv/pgdata/server.key (was root:root)
	// no change of mode or owner can fix:
	// error  root.crt: could not load root certificate file
	//        fix: give it to the server
}

func ExampleIdentity_Label() {
	fmt.Println(keyperm.Identity{Name: "postgres", UID: 70}.Label())
	fmt.Println(keyperm.Identity{UID: 999}.Label())
	// Output:
	// postgres
	// uid 999
}
