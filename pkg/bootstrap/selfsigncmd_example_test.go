package bootstrap_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

func ExampleSelfSignRequest() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	h := exampleHooks()
	req, keyPath := filepath.Join(dir, "server.req"), filepath.Join(dir, "privkey.pem")
	_, err := bootstrap.Request(bootstrap.RequestOptions{KeyHooks: h, Output: req, NewKey: keyPath,
		KeyFlags: bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}, NoPass: true, CN: "db.example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	o := bootstrap.SelfSignCommand{KeyHooks: h, ReadFile: os.ReadFile, Request: req, Key: keyPath,
		Output: filepath.Join(dir, "server.crt"), Days: 365, Now: func() time.Time { return now }}
	if err := o.CheckFlags(); err != nil {
		fmt.Println(err)
		return
	}
	r, err := bootstrap.SelfSignRequest(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.File.Path), r.File.Mode, r.Certificate.SANs.Strings())
	// Output: server.crt 0644 [DNS:db.example.com]
}

func ExampleSelfSignCommand_CheckFlags() {
	o := bootstrap.SelfSignCommand{DataDir: "/var/lib/postgresql/15/main", Key: "server.key"}
	fmt.Println(o.CheckFlags())
	// Output: -D makes its own key and writes PGDATA/server.crt; --req, --key, --out and --passin are for the other form
}

func ExampleSelfSignDataDir() {
	dir, _, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	o := bootstrap.SelfSignCommand{KeyHooks: exampleHooks(), DataDir: dir, Hosts: []string{"db.example.com"},
		KeyFlags: bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}, Days: 825, Now: func() time.Time { return now }}
	r, err := bootstrap.SelfSignDataDir(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Files {
		fmt.Println(filepath.Base(f.Path), f.Mode)
	}
	o.KeyFlags.Type = string(keys.TypeEd25519)
	_, err = bootstrap.SelfSignDataDir(o)
	fmt.Println(errors.Is(err, bootstrap.ErrEdDSASelfSigned))
	// Output:
	// server.key 0600
	// server.crt 0644
	// true
}

func ExampleInspectDataDir() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	dd, err := bootstrap.InspectDataDir(dir, func(string) { fmt.Println("cleaned") })
	fmt.Println(dd.IsDataDir, err)
	_, err = bootstrap.InspectDataDir(filepath.Join(dir, "missing"), nil)
	fmt.Println(errors.Is(err, os.ErrNotExist), err != nil)
	// Output:
	// false <nil>
	// false true
}

// printer prints what a library reports, as a command's standard error would.
type printer struct{}

func (printer) Infof(format string, args ...any) { fmt.Printf("info: "+format+"\n", args...) }
func (printer) Warnf(format string, args ...any) { fmt.Printf("warning: "+format+"\n", args...) }

func ExampleDefaultHosts() {
	fmt.Println(bootstrap.DefaultHosts("db.example.com", nil, printer{}))
	fmt.Println(bootstrap.DefaultHosts("", errors.New("no name"), printer{}))
	// Output:
	// [db.example.com localhost]
	// warning: this machine's host name is unknown; the certificate names localhost only (give --host NAME)
	// [localhost]
}
