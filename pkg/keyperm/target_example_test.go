package keyperm_test

import (
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/keyperm"
)

func ExampleKeyTargets() {
	for _, t := range keyperm.KeyTargets([]string{"client.key"}, true) {
		fmt.Println(t.Name, t.Kind)
	}
	// Output:
	// client.key client-key
}

func ExampleTarget_Judge() {
	fi, db, done := exampleKey(0o644)
	defer done()
	t := keyperm.Target{Name: "server.key", Path: fi.Path, Kind: keyperm.FileServerKey}
	r := t.Judge(t.Stat(), db)
	fmt.Println(r.OK, r.Problem)
	// Output:
	// false group-or-world
}

func ExampleTarget_Stat() {
	fi, _, done := exampleKey(0o600)
	defer done()
	t := keyperm.Target{Name: "server.key", Path: fi.Path, Kind: keyperm.FileServerKey}
	st := t.Stat()
	fmt.Printf("%s %04o\n", filepath.Base(st.Path), st.Mode.Perm())
	// Output:
	// server.key 0600
}

func ExampleTarget_Plan() {
	fi, db, done := exampleKey(0o644)
	defer done()
	t := keyperm.Target{Name: "server.key", Path: fi.Path, Kind: keyperm.FileServerKey}
	fx := t.Plan(t.Stat(), db, db)
	fmt.Printf("chmod %04o\n", fx.Mode.Perm())
	// Output:
	// chmod 0600
}

func ExampleTarget_Report() {
	t := keyperm.Target{Name: "root.crt", Path: "/srv/pgdata/root.crt", Setting: "ssl_ca_file", Kind: keyperm.FileRootCert}
	r := t.Report()
	fmt.Println(r.Name, r.Setting, r.Kind)
	// Output:
	// root.crt ssl_ca_file root-certificate
}

func ExampleScope_PlanFixes() {
	fi, db, done := exampleKey(0o644)
	defer done()
	targets := []keyperm.Target{
		{Name: "server.key", Path: fi.Path, Kind: keyperm.FileServerKey},
		{Name: "again.key", Path: fi.Path, Kind: keyperm.FileServerKey},
	}
	plan := keyperm.Scope{}.PlanFixes(targets, db, db)
	for _, p := range plan.Todo {
		fmt.Println(p.Target.Name, p.Fix.Commands()[0][:10])
	}
	fmt.Println(len(plan.NeedRoot), len(plan.Refused))
	// Output:
	// server.key chmod 0600
	// 0 0
}
