package world_test

import (
	"crypto"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/world"
)

const exampleSpec = `
certs:
  root: {subject: /CN=Example root, ca: true}
  server: {issuer: root, subject: /CN=db.example.com}
  old-client: {issuer: root, subject: /CN=alice, not_before: 2020-01-01, days: 30}
crls:
  root:
    issuer: root
    revoked: [{cert: old-client, reason: superseded}]
files:
  server.crt: {concat: [cert:server, cert:root]}
  server.key: {key: server}
  root.crt: {cert: root}
  root.crl: {crl: root}
`

// A test builds the world it needs in a temporary directory.
func ExampleMake() {
	dir, err := os.MkdirTemp("", "world-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	spec, err := world.Parse("pki.yaml", []byte(exampleSpec))
	if err != nil {
		log.Fatal(err)
	}
	res, err := world.Make(spec, filepath.Join(dir, "pki"), world.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Files {
		fmt.Println(f.Path, f.Mode, f.Status)
	}
	fmt.Println(res.Cert("server").DNSNames, res.CRL("root").RevokedCertificateEntries[0].SerialNumber.Cmp(res.Cert("old-client").SerialNumber) == 0)

	// Making it again changes nothing.
	again, err := world.Make(spec, filepath.Join(dir, "pki"), world.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("changed:", again.Changed)
	// Output:
	// server.crt 0644 made
	// server.key 0600 made
	// root.crt 0644 made
	// root.crl 0644 made
	// [db.example.com] true
	// changed: false
}

// A spec error names the line and the field.
func ExampleParse() {
	_, err := world.Parse("pki.yaml", []byte(`
certs:
  root: {subject: /CN=root, ca: true}
  server:
    issuer: root
    subject: /OU=no names
    san: []
files:
  server.crt: {cert: server}
`))
	fmt.Println(err)
	// Output:
	// pki.yaml:7: certs.server.san: a leaf certificate without subjectAltName is non-standard; mark the certificate testing: true if that is what the test needs
}

func ExampleMakeFile() {
	dir, err := os.MkdirTemp("", "world-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	spec := filepath.Join(dir, "pki.yaml")
	if err := os.WriteFile(spec, []byte(exampleSpec), 0o644); err != nil {
		log.Fatal(err)
	}
	res, err := world.MakeFile(spec, filepath.Join(dir, "out"), world.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res.Files), res.Changed)
	// Output:
	// 4 true
}

// ExampleResult shows the accessors a Go test uses after Make: a certificate, its key
// and a CRL, by the names the spec gives them.
func ExampleResult() {
	dir, err := os.MkdirTemp("", "world-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	spec, err := world.Parse("pki.yaml", []byte(exampleSpec))
	if err != nil {
		log.Fatal(err)
	}
	res, err := world.Make(spec, filepath.Join(dir, "pki"), world.Options{})
	if err != nil {
		log.Fatal(err)
	}
	server := res.Cert("server")
	key := res.Key("server")
	fmt.Println(server.Subject.CommonName, key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(server.PublicKey))
	fmt.Println(len(res.CRL("root").RevokedCertificateEntries), res.Cert("nothing") == nil)
	// Output:
	// db.example.com true
	// 1 true
}
