package stepca_test

import (
	"context"
	"fmt"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// Connect finds the step-ca and its root in the data directory's record when
// no flag names them.
func ExampleConnect() {
	f, _, _, done := exampleCA()
	defer done()
	rec := &ca.StepRecord{URL: f.srv.URL, RootSHA256: stepca.Fingerprint(f.root), Provisioner: provName}
	c, err := stepca.Connect(context.Background(), stepca.ConnectOptions{Record: rec})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Root.Subject.CommonName)
	// Output: Fake Root CA
}

// ProvisionerName takes --provisioner, else the record's.
func ExampleProvisionerName() {
	name, _ := stepca.ProvisionerName("", &ca.StepRecord{Provisioner: "admin"})
	fmt.Println(name)
	_, err := stepca.ProvisionerName("", nil)
	fmt.Println(err)
	// Output:
	// admin
	// give the step-ca's JWK provisioner with --provisioner NAME
}

// OpenProvisioner asks for the password of the provisioner it chose.
func ExampleClient_OpenProvisioner() {
	_, c, _, done := exampleCA()
	defer done()
	p, err := c.OpenProvisioner(context.Background(), "admin", nil, func(name string) ([]byte, error) {
		fmt.Println("password of", name)
		return []byte(provPass), nil
	})
	fmt.Println(p != nil, err)
	// Output:
	// password of admin
	// true <nil>
}

// FlagLine names the step-ca in a hint; a word the shell would split is quoted.
func ExampleConnectOptions_FlagLine() {
	o := stepca.ConnectOptions{URL: "https://ca.example:9000", RootFile: "my root.crt"}
	fmt.Println(o.FlagLine("admin"))
	// Output: --ca-url https://ca.example:9000 --ca-root 'my root.crt' --provisioner admin
}
