package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/bootstrap"
)

func ExampleRequest() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	o := bootstrap.RequestOptions{KeyHooks: exampleHooks(), Output: filepath.Join(dir, "server.req"), NewKey: filepath.Join(dir, "privkey.pem"),
		KeyFlags: bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}, NoPass: true, CN: "db.example.com", SANs: []string{"DNS:db.example.com,IP:10.0.0.5"}}
	if err := o.CheckFlags(); err != nil {
		fmt.Println(err)
		return
	}
	r, err := bootstrap.Request(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.KeyFile.Path), r.Key.Encrypted, filepath.Base(r.RequestFile.Path), r.Request.Subject)
	// Output: privkey.pem false server.req CN = db.example.com
}

func ExampleRequestOptions_CheckFlags() {
	o := bootstrap.RequestOptions{Output: "-", Key: "server.key", NoPass: true}
	fmt.Println(o.CheckFlags())
	// Output: --nopass, --passout, --type, --curve and --bits are for a new key; --key uses an existing one
}

func ExampleSubjectField() {
	rdn, _ := bootstrap.SubjectField("O", " Acme, Inc. ")
	fmt.Println(rdn)
	_, err := bootstrap.SubjectField("C", "USA")
	fmt.Println(err)
	rdn, _ = bootstrap.SubjectField("OU", "")
	fmt.Println(rdn == nil)
	// Output:
	// O=Acme\, Inc.
	// invalid subject at "C=USA": value must be exactly 2 characters long
	// true
}

func ExampleAskSubject() {
	answers := map[string]string{"Country Name (2 letter code)": "DE", "Organization Name (e.g. company)": "Acme"}
	ask := func(message, def string) (string, error) {
		if a, ok := answers[message]; ok {
			return a, nil
		}
		return def, nil
	}
	subject, _ := bootstrap.AskSubject("db.example.com", nil, ask, printer{})
	fmt.Println(subject)
	subject, _ = bootstrap.AskSubject("db.example.com", nil, nil, printer{})
	fmt.Println(subject)
	// Output:
	// CN=db.example.com,O=Acme,C=DE
	// info: no terminal: the Common Name is this machine's host name, db.example.com (choose another with --cn or --subject)
	// CN=db.example.com
}
