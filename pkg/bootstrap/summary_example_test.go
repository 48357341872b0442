package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

func ExamplePreviewConfigure() {
	e := bootstrap.PreviewConfigure("/srv/pg", nil)
	fmt.Println(e.PgcertConf, e.ServerConfig)
	// Output: /srv/pg/pgcert.conf false
}

func ExampleSummary_WriteText() {
	dir, _ := os.MkdirTemp("", "summary")
	defer os.RemoveAll(dir)
	s := bootstrap.Summary{
		DataDir: filepath.Join(dir, "pgdata"), CADir: "/etc/pgcert/ca", Intermediate: true,
		Hosts: []string{"db.example.com", "localhost"}, Key: keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256},
		Clients: []string{"alice"}, Command: "pgcert init -D /srv/pg --host db.example.com --client alice",
	}
	var b strings.Builder
	if err := s.WriteText(&b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(b.String(), dir, "DIR"))
	// Output:
	// pgcert init will write:
	//   data directory  DIR/pgdata (created, mode 0700)
	//                   server.key, server.crt, root.crt, root.crl
	//   CA              a new root CA and an intermediate CA that signs, in /etc/pgcert/ca
	//   server.crt      for db.example.com, localhost, ECDSA P-256 key
	//   clients         alice: bundles in /etc/pgcert/ca/clients/ROLE
	//   configuration   printed, not written
	// the same without questions:
	//   pgcert init -D /srv/pg --host db.example.com --client alice
}
