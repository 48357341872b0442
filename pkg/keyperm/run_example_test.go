package keyperm_test

import (
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/keyperm"
)

func ExampleReport_Judge() {
	fi, db, done := exampleKey(0o644)
	defer done()
	rep := &keyperm.Report{Rule: "server", OK: true}
	rep.Judge([]keyperm.Target{{Name: "server.key", Path: fi.Path, Kind: keyperm.FileServerKey}}, db, names{})
	fmt.Println(rep.OK, rep.Files[0].Mode, rep.Files[0].Problem)
	// Output: false 0644 group-or-world
}

func ExampleReport_Fix() {
	fi, db, done := exampleKey(0o644)
	defer done()
	rep := &keyperm.Report{Rule: "server"}
	err := rep.Fix(keyperm.FixOptions{
		Targets: []keyperm.Target{{Name: "server.key", Path: fi.Path, Kind: keyperm.FileServerKey}},
		ID:      db, Actor: db, Lookup: names{},
	})
	st, _ := os.Stat(fi.Path)
	fmt.Println(err, rep.OK, rep.Changes[0].Mode, st.Mode().Perm())
	// Output: <nil> true 0600 -rw-------
}

func ExampleFixCommand_String() {
	c := keyperm.FixCommand{DataDir: "/srv/pg data", AllowOutside: []string{"/etc/ssl/server.key"}}
	fmt.Println(c)
	// Output: pgcert perms fix -D '/srv/pg data' --allow-outside /etc/ssl/server.key
}

func ExampleIdentity_WithGroup() {
	pg := keyperm.Identity{Name: "postgres", UID: 26, GID: 26, Groups: []uint32{101}}
	id, err := pg.WithGroup(101, "ssl-cert")
	fmt.Println(id.GID, id.GroupName, id.Groups, err)
	_, err = pg.WithGroup(7, "lp")
	fmt.Println(err)
	// Output:
	// 101 ssl-cert [101 26] <nil>
	// postgres is not in group lp: the server could not read a key through it
}
