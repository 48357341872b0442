package testdatadir_test

import (
	"encoding/pem"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
)

// exampleTB is the part of testing.TB the builders use, for examples, which get
// none: temporary directories removed by done, fatal failures that panic.
type exampleTB struct {
	testing.TB
	dirs []string
}

func (*exampleTB) Helper() {}

func (e *exampleTB) TempDir() string {
	dir, err := os.MkdirTemp("", "testdatadir-example")
	if err != nil {
		panic(err)
	}
	e.dirs = append(e.dirs, dir)
	return dir
}

func (*exampleTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

func (*exampleTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// Errorf prints the error, where a test would go on failed.
func (*exampleTB) Errorf(format string, args ...any) { fmt.Printf("error: "+format+"\n", args...) }

func (e *exampleTB) done() {
	for _, dir := range e.dirs {
		os.RemoveAll(dir)
	}
}

func ExampleWrite() {
	t := &exampleTB{}
	defer t.done()
	dir := t.TempDir()
	testdatadir.Write(t, dir, "conf.d/ssl.conf", []byte("ssl = on\n"), 0o640)
	fi, _ := os.Stat(filepath.Join(dir, "conf.d/ssl.conf"))
	fmt.Println(fi.Mode())
	// Output: -rw-r-----
}

func ExampleNewPKI() {
	t := &exampleTB{}
	p := testdatadir.NewPKI(t)
	fmt.Println(p.Server.Cert.Subject, "from", p.Server.Cert.Issuer, "from", p.Inter.Cert.Issuer)
	// Output: CN=db.example.com from CN=check intermediate from CN=check root
}

func ExampleNew() {
	t := &exampleTB{}
	defer t.done()
	dir := testdatadir.New(t, testdatadir.NewPKI(t), []string{"ssl_min_protocol_version = 'TLSv1.3'"}, "local all all peer")
	conf, _ := os.ReadFile(filepath.Join(dir, "postgresql.conf"))
	hba, _ := os.ReadFile(filepath.Join(dir, "pg_hba.conf"))
	fmt.Print(string(conf), string(hba))
	// Output:
	// ssl = on
	// ssl_min_protocol_version = 'TLSv1.3'
	// local all all peer
}

func ExampleNewRenewal() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil)
	fmt.Println(r.Old.Subject, r.Old.NotAfter.Sub(testpki.Now).Hours()/24, "days left")
	// Output: CN=db.example.com 25 days left
}

func ExampleRenewal_Path() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil)
	fmt.Println(strings.TrimPrefix(r.Path("server.key"), r.Dir))
	// Output: /server.key
}

func ExampleRenewal_Read() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil, "ssl_crl_dir = ''")
	fmt.Print(string(r.Read(t, "postgresql.conf")))
	// Output:
	// ssl = on
	// ssl_ca_file = 'root.crt'
	// ssl_crl_file = 'root.crl'
	// ssl_crl_dir = ''
}

func ExampleRenewal_Leaf() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil)
	fmt.Println(r.Leaf(t, "root.crt").Subject.CommonName == r.CA.Root().Subject.CommonName)
	// Output: true
}

func ExampleRenewal_Leftovers() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, []string{"local all all trust"})
	fmt.Println(r.Leftovers(t, "server."), r.Leftovers(t, "pg_"))
	// Output: [server.crt server.key] [pg_hba.conf]
}

func ExampleRenewal_CACRLs() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil)
	rest := r.CACRLs(t, 30)
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		l := testpki.ParseCRL(t, pem.EncodeToMemory(block))
		fmt.Println(l.Issuer, l.NextUpdate.Sub(testpki.Now).Hours()/24, "days left")
	}
	// Output:
	// CN=pgcert CA Intermediate 20 days left
	// CN=pgcert CA 20 days left
}

func ExampleRenewal_Snapshot() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil)
	fmt.Println(slices.Sorted(maps.Keys(r.Snapshot(t))))
	// Output: [root.crl server.crt server.key]
}

func ExampleRenewal_Unchanged() {
	t := &exampleTB{}
	defer t.done()
	r := testdatadir.NewRenewal(t, nil)
	before := r.Snapshot(t)
	testdatadir.Write(t, r.Dir, "server.key", []byte("another key"), 0o600)
	r.Unchanged(t, before)
	// Output: error: server.key changed
}
