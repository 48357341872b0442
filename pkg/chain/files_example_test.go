package chain_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// exampleServerFile writes server.crt from examplePile's backwards file into a
// new temporary directory.
func exampleServerFile() (*chain.ServerFile, func()) {
	pile, _, cleanup := examplePile()
	read := pileFiles(pile)
	dir, err := os.MkdirTemp("", "pgcert-example")
	if err != nil {
		panic(err)
	}
	res, err := chain.WriteServerChain(chain.ServerFileOptions{
		Inputs: []string{"backwards.crt"}, Roots: []string{"root.crt"}, Output: filepath.Join(dir, "server.crt"),
		ReadPKI:   func(p []string) ([]chain.Input, []*keys.Key, error) { ins, err := read(p, ""); return ins, nil, err },
		ReadCerts: read, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	return res, func() { cleanup(); os.RemoveAll(dir) }
}

func ExampleWriteServerChain() {
	res, cleanup := exampleServerFile()
	defer cleanup()
	for _, e := range res.Plan.Elements() {
		fmt.Println(e.Subject)
	}
	// Output:
	// CN=db.example.com
	// CN=Example CA Intermediate
	// CN=Example CA
}

func ExampleServerFile_Report() {
	res, cleanup := exampleServerFile()
	defer cleanup()
	r := res.Report()
	fmt.Println(filepath.Base(r.File.Path), r.File.Mode, len(r.Certificates))
	// Output:
	// server.crt 0644 3
}

func ExampleServerFile_WriteText() {
	res, cleanup := exampleServerFile()
	defer cleanup()
	var b strings.Builder
	res.WriteText(&b)
	fmt.Print(strings.ReplaceAll(b.String(), filepath.Dir(res.Written.Path), "DIR"))
	// Output:
	// wrote DIR/server.crt: 3 certificates, mode 0644
	//   leaf          CN=db.example.com (backwards.crt), expires 2028-04-05
	//   intermediate  CN=Example CA Intermediate (backwards.crt), expires 2030-12-31
	//   root          CN=Example CA (root.crt), expires 2035-12-30
}

// exampleRootsFile writes root.crt from examplePile's root into a new
// temporary directory.
func exampleRootsFile() (*chain.RootsFile, func()) {
	pile, _, cleanup := examplePile()
	dir, err := os.MkdirTemp("", "pgcert-example")
	if err != nil {
		panic(err)
	}
	res, err := chain.WriteRoots(chain.RootsFileOptions{
		Inputs: []string{"root.crt", "root.crt"}, Output: filepath.Join(dir, "root.crt"), CheckChain: "server.crt", WarnDays: 30,
		ReadCerts: pileFiles(pile), Reporter: printer{}, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	return res, func() { cleanup(); os.RemoveAll(dir) }
}

func ExampleWriteRoots() {
	res, cleanup := exampleRootsFile()
	defer cleanup()
	fmt.Println(len(res.Report.Certificates), res.Report.File.Mode)
	// Output:
	// dropped 1 duplicate: CN=Example CA (root.crt)
	// 1 0644
}

func ExampleRootsFile_WriteText() {
	res, cleanup := exampleRootsFile()
	defer cleanup()
	var b strings.Builder
	res.WriteText(&b)
	fmt.Print(strings.ReplaceAll(b.String(), filepath.Dir(res.Written.Path), "DIR"))
	// Output:
	// dropped 1 duplicate: CN=Example CA (root.crt)
	// wrote DIR/root.crt: 1 certificate, mode 0644
	//   CN=Example CA (root.crt), expires 2035-12-30
	// server.crt chains to CN=Example CA, as libpq checks the server (sslmode=verify-ca or verify-full)
}
