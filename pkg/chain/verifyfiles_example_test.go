package chain_test

import (
	"fmt"
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
)

// printer is a Reporter that prints what it hears.
type printer struct{}

func (printer) Infof(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (printer) Warnf(format string, args ...any) { fmt.Printf("warning: "+format+"\n", args...) }

// pileFiles is a ReadCerts hook that reads the files of examplePile's pile,
// without a disk: server.crt holds the leaf, then the intermediate;
// backwards.crt the other way round; root.crt the root.
func pileFiles(pile []chain.Input) func([]string, string) ([]chain.Input, error) {
	files := map[string][]chain.Input{
		"server.crt":    {{Cert: pile[2].Cert, File: "server.crt"}, {Cert: pile[0].Cert, File: "server.crt"}},
		"backwards.crt": {{Cert: pile[0].Cert, File: "backwards.crt"}, {Cert: pile[2].Cert, File: "backwards.crt"}},
		"root.crt":      {{Cert: pile[1].Cert, File: "root.crt"}},
	}
	return func(paths []string, _ string) ([]chain.Input, error) {
		var out []chain.Input
		for _, p := range paths {
			ins, ok := files[p]
			if !ok {
				return nil, fmt.Errorf("%s: %w", p, os.ErrNotExist)
			}
			out = append(out, ins...)
		}
		return out, nil
	}
}

func ExampleVerifyFiles() {
	pile, _, cleanup := examplePile()
	defer cleanup()
	v, err := chain.VerifyFiles(chain.VerifyFilesOptions{
		File: "server.crt", Roots: []string{"root.crt"}, Hosts: []string{"db.example.com"}, ClientName: "CN",
		ReadCerts: pileFiles(pile), Reporter: printer{}, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(v.OK(), v.Purpose.Name())
	// Output:
	// true server
}

func ExampleLibpqRootFile() {
	env := map[string]string{"HOME": "/home/alice"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	fmt.Println(chain.LibpqRootFile(getenv))
	env["PGSSLROOTCERT"] = "/etc/ssl/pg-root.crt"
	fmt.Println(chain.LibpqRootFile(getenv))
	// Output:
	// /home/alice/.postgresql/root.crt
	// /etc/ssl/pg-root.crt
}
