package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

// NewForm looks at a data directory that does not exist yet and a CA directory
// that holds no CA: init will create both, and cannot configure the server.
func ExampleNewForm() {
	dir, _ := os.MkdirTemp("", "form")
	defer os.RemoveAll(dir)
	form, err := bootstrap.NewForm(filepath.Join(dir, "pgdata"), func(dataDir string) (string, error) {
		return filepath.Join(filepath.Dir(dataDir), "ca"), nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.TrimPrefix(form.CADir, dir), form.NewCA(), form.OffersConfigure())
	fmt.Println(form.DefaultHosts(func() []string { return []string{"db1.example.com", "localhost"} }))
	// Output:
	// /ca true false
	// [db1.example.com localhost]
}

// A new CA with an Ed25519 key is refused unless forced.
func ExampleForm_CheckKeyType() {
	form := &bootstrap.Form{}
	fmt.Println(form.CheckKeyType("ec", false))
	fmt.Println(form.CheckKeyType("ed25519", false))
	fmt.Println(form.CheckKeyType("ed25519", true))
	// Output:
	// <nil>
	// a new CA with an Ed25519 key breaks SCRAM channel binding in libpq; choose ec or rsa (or rerun with --type ed25519 --force)
	// <nil>
}

func ExampleForm_Summary() {
	form := &bootstrap.Form{DataDir: "/srv/pg", CADir: "/etc/pgcert/ca"}
	a := bootstrap.Answers{Hosts: []string{"db.example.com"}, Type: "ec", Clients: []string{"alice"}, Configure: true}
	s := form.Summary(a, keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256}, "", "pgcert init -D /srv/pg")
	fmt.Println(s.Hosts, s.Clients, s.Configure.PgcertConf)
	// Output: [db.example.com] [alice] /srv/pg/pgcert.conf
}

func ExampleParseList() {
	fmt.Printf("%q\n", bootstrap.ParseList(" alice, ,bob ,"))
	// Output: ["alice" "bob"]
}

func ExampleParseHosts() {
	fmt.Println(bootstrap.ParseHosts("db.example.com, 10.0.0.5", false))
	_, err := bootstrap.ParseHosts(" , ", false)
	fmt.Println(err)
	// Output:
	// [db.example.com 10.0.0.5] <nil>
	// give at least one host name: libpq's verify-full compares it with the certificate
}

func ExampleParseRoles() {
	fmt.Println(bootstrap.ParseRoles("alice, bob"))
	_, err := bootstrap.ParseRoles("alice, alice")
	fmt.Println(err)
	// Output:
	// [alice bob] <nil>
	// role alice is given twice
}

// Flags make the command line an interactive init shows.
func ExampleAnswers_Flags() {
	a := bootstrap.Answers{Hosts: []string{"db.example.com"}, Type: "rsa", Intermediate: true, Clients: []string{"o'neil"}}
	fmt.Println(strings.Join(a.Flags(), " "))
	// Output: --host db.example.com --type rsa --intermediate --client 'o'\''neil'
}

// The questions answer --host; --ca-dir is kept as it was given.
func ExampleAnswered() {
	fmt.Println(bootstrap.Answered("host"), bootstrap.Answered("ca-dir"))
	// Output: true false
}

// Without a CA in the CA directory, init creates one.
func ExampleForm_NewCA() {
	fmt.Println((&bootstrap.Form{}).NewCA())
	// Output: true
}

// Without a CA that issued a server certificate, the machine's names are offered.
func ExampleForm_DefaultHosts() {
	form := &bootstrap.Form{DataDir: "/srv/pg"}
	fmt.Println(form.DefaultHosts(func() []string { return []string{"localhost"} }))
	// Output: [localhost]
}

// A directory that is not a data directory yet has no postgresql.conf to edit.
func ExampleForm_OffersConfigure() {
	fmt.Println((&bootstrap.Form{DataDir: "/srv/pg"}).OffersConfigure())
	// Output: false
}
