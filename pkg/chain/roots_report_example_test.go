package chain_test

import (
	"fmt"
	"os"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
)

func ExampleCheckBundle() {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	other, _ := exampleCert("Other Root", nil, nil, nil)
	leaf, _ := exampleCert("db.example.com", []string{"db.example.com"}, root, rootKey)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	server := []chain.Input{{Cert: leaf, File: "server.crt"}}
	v, err := chain.CheckBundle("server.crt", server, []chain.Input{{Cert: root, File: "root.crt"}}, now)
	fmt.Println(v.OK(), err)
	_, err = chain.CheckBundle("server.crt", server, []chain.Input{{Cert: other, File: "other.crt"}}, now)
	fmt.Println(err != nil)
	// Output:
	// true <nil>
	// true
}

func ExampleRoots_Report() {
	root, _ := exampleCert("Example Root", nil, nil, nil)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	roots, err := chain.BuildRoots([]chain.Input{{Cert: root, File: "root.crt"}}, chain.RootsOptions{Now: now})
	if err != nil {
		panic(err)
	}
	rep := roots.Report(fsutil.FileReport{Path: "/srv/pg/root.crt", Mode: "0644"}, nil)
	fmt.Println(rep.Certificates[0].Role)
	rep.WriteText(os.Stdout, now)
	// Output:
	// root
	// wrote /srv/pg/root.crt: 1 certificate, mode 0644
	//   CN=Example Root (root.crt), expires 2027-01-01
}
