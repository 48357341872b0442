package rotate_test

import (
	"os"

	"github.com/pgcert/pgcert/pkg/rotate"
)

func ExampleReport_WriteText() {
	rep := &rotate.Report{
		DataDir: "/srv/pgdata",
		Action:  rotate.ActionRenewed,
		Certificate: &rotate.CertReport{
			File: "/srv/pgdata/server.crt", Renewed: true, Reason: "it expires in 25 days, within 30 days",
			New: &rotate.NewCert{Serial: "6F07A1", SANs: "DNS:db.example.com", NotAfter: "2028-09-03T12:00:00Z"},
		},
		Files:    []rotate.FileReport{{Path: "/srv/pgdata/server.crt", Mode: "0644", Owner: "postgres"}},
		Previous: []string{"/srv/pgdata/server.crt.prev"},
		Reload:   &rotate.ReloadReport{Message: "no server runs on /srv/pgdata: it reads the new files when it starts"},
	}
	rep.WriteText(os.Stdout, false)
	// Output:
	// renewed server.crt: serial 6F07A1 for DNS:db.example.com, until 2028-09-03 (it expires in 25 days, within 30 days)
	//   wrote /srv/pgdata/server.crt (mode 0644, owner postgres)
	//   kept the previous files as server.crt.prev; to put them back: pgcert renew --rollback -D /srv/pgdata
	// no server runs on /srv/pgdata: it reads the new files when it starts
}
