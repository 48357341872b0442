package ca_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleCA_CreatedReport() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	r := c.CreatedReport(nil)
	fmt.Println(r.Created, r.Root.Subject, len(r.Files) > 0)
	// Output:
	// true CN = Example CA true
}

func ExampleCreatedReport_WriteText() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	var b strings.Builder
	c.CreatedReport(nil).WriteText(&b)
	fmt.Print(strings.ReplaceAll(b.String(), c.Dir, "CA_DIR"))
	// Output:
	// created a CA in CA_DIR
	//   root CA:         CN = Example CA (until 2035-12-30)
	//     CA_DIR/root/ca.crt
	//   intermediate CA: CN = Example CA Intermediate (until 2030-12-31), signs every certificate
	//     CA_DIR/ca.crt
	//   CA key:          CA_DIR/private/ca.key, mode 0600, not encrypted
	// clients and servers trust CA_DIR/root/ca.crt (root.crt)
}

func ExampleCA_IssuedFiles() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	is, _ := issue(c, selfsign.ServerLeaf, "db.example.com", selfsign.SANs{DNS: []string{"db.example.com"}})
	r := c.IssuedFiles(is, []*fsutil.Written{{Path: "/etc/ssl/server.crt", Mode: 0o644}})
	fmt.Println(r.Subject, r.SANs, r.Files[0].Path, r.Files[0].Mode)
	// Output:
	// CN = db.example.com DNS:db.example.com /etc/ssl/server.crt 0644
}

func ExampleIssuedFiles_WriteServerText() {
	r := ca.IssuedFiles{
		IssuedReport: ca.IssuedReport{Serial: "6F07", SANs: "DNS:db.example.com", NotAfter: "2027-01-01T00:00:00Z"},
		Files:        []fsutil.FileReport{{Path: "server.key", Mode: "0600"}, {Path: "server.crt", Mode: "0644"}},
	}
	r.WriteServerText(os.Stdout, "/srv/ca/ca.crt")
	// Output:
	// issued server certificate 6F07 for DNS:db.example.com, until 2027-01-01
	//   wrote server.key (mode 0600)
	//   wrote server.crt (mode 0644)
	// clients verify it with sslmode=verify-full sslrootcert=/srv/ca/ca.crt
}

// exampleBundle is a bundle report as ca issue client makes it.
func exampleBundle() ca.BundleReport {
	return ca.BundleReport{
		ClientBundle: ca.ClientBundle{Role: "alice", Dir: "/srv/clients/alice", Serial: "6F08", NotAfter: "2027-01-01T00:00:00Z",
			ConnString: "sslmode=verify-full sslcert=/srv/clients/alice/postgresql.crt"},
		Files: []fsutil.FileReport{{Path: filepath.Join("/srv/clients/alice", ca.ClientKeyFile), Mode: "0600", Owner: "alice", Group: "alice"}},
	}
}

func ExampleBundleReport_WriteText() {
	b := exampleBundle()
	b.WriteText(os.Stdout, false)
	// Output:
	// issued client certificate 6F08 for role "alice", until 2027-01-01
	//   wrote /srv/clients/alice/postgresql.key (mode 0600, owner alice:alice)
	// connect with:
	//   psql "sslmode=verify-full sslcert=/srv/clients/alice/postgresql.crt"
	// (add host=NAME, a name in the server certificate)
}

func ExampleBundleReport_WriteConnect() {
	b := exampleBundle()
	b.WriteConnect(os.Stdout)
	// Output:
	// connect with:
	//   psql "sslmode=verify-full sslcert=/srv/clients/alice/postgresql.crt"
}

func ExampleBundleRenewal_WriteText() {
	r := ca.BundleRenewal{BundleReport: exampleBundle(), OldSerial: "6F07", OldNotAfter: "2026-06-01T00:00:00Z", OldRevoked: true, Rekeyed: true}
	r.WriteText(os.Stdout)
	// Output:
	// renewed the client certificate of role "alice": serial 6F08 until 2027-01-01 (replaces 6F07, until 2026-06-01)
	//   with a new key
	//   wrote /srv/clients/alice/postgresql.key (mode 0600)
	// revoked 6F07 (superseded)
}

func ExampleBundleRenewal_WriteStepText() {
	r := ca.BundleRenewal{BundleReport: exampleBundle(), OldSerial: "6F07"}
	r.WriteStepText(os.Stdout, "https://ca.example:9000")
	// Output:
	// renewed the client certificate of "alice" with the step-ca https://ca.example:9000: 6F08 (was 6F07), until 2027-01-01
	//   wrote /srv/clients/alice/postgresql.key (mode 0600, owner alice:alice)
}
