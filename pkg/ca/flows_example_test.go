package ca_test

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// printReporter prints what a flow reports, as the command line does on
// standard error.
type printReporter struct{}

func (printReporter) Infof(format string, args ...any) { fmt.Printf("info: "+format+"\n", args...) }
func (printReporter) Warnf(format string, args ...any) { fmt.Printf("warning: "+format+"\n", args...) }

// exampleSigner is a DirSigner of c, already unlocked (a new CA's keys are
// loaded).
func exampleSigner(c *ca.CA) *ca.DirSigner {
	return &ca.DirSigner{Dir: func() (string, error) { return c.Dir, nil }, OpenCA: func(string) (*ca.CA, error) { return c, nil }}
}

func newKey() (crypto.Signer, error) { return keys.Generate(keys.GenerateOptions{}) }

func noExisting() (crypto.Signer, error) { return nil, nil }

func neverOverwrite([]string) (bool, error) { return false, nil }

func exampleNowFunc() time.Time { return exampleNow }

// relative names a file of dir as ~/NAME, so that the output does not depend on
// the temporary directory.
func relative(dir, path string) string { return "~/" + strings.TrimPrefix(path, dir+"/") }

func ExampleIssueServer() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	out := filepath.Dir(c.Dir)
	r, err := ca.IssueServer(ca.IssueServerOptions{
		Hosts: []string{"db.example.com", "10.0.0.5"}, CertPath: filepath.Join(out, "server.crt"), KeyPath: filepath.Join(out, "server.key"), Days: 90,
		Existing: noExisting, Overwrite: neverOverwrite, GenerateKey: newKey,
		Signer:   func() (ca.Signer, error) { return exampleSigner(c), nil },
		Reporter: printReporter{}, Now: exampleNowFunc,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Subject, r.NotAfter[:10])
	for _, f := range r.Files {
		fmt.Println(relative(out, f.Path), f.Mode)
	}
	fmt.Println(relative(out, r.RootCert))
	// Output:
	// CN = db.example.com 2026-04-01
	// ~/server.key 0600
	// ~/server.crt 0644
	// ~/ca/root/ca.crt
}

func ExampleIssueClient() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	b, err := ca.IssueClient(ca.IssueClientOptions{
		Role: "alice", Bundle: ca.ClientBundleOptions{Host: "db.example.com"},
		Existing: noExisting, Overwrite: neverOverwrite, GenerateKey: newKey,
		Signer:    func() (ca.Signer, error) { return exampleSigner(c), nil },
		KeyFormat: func(bool) (keys.Format, error) { return keys.FormatPKCS8PEM, nil },
		Owner:     func(string) (ca.FileOwner, error) { return ca.FileOwner{}, nil },
		Mkdir:     func(dir string, _ ca.FileOwner) error { return os.MkdirAll(dir, 0o700) },
		Reporter:  printReporter{}, Now: exampleNowFunc,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(b.Role, relative(c.Dir, b.Dir))
	for _, f := range b.Files {
		fmt.Println(filepath.Base(f.Path), f.Mode)
	}
	// Output:
	// alice ~/clients/alice
	// postgresql.crt 0644
	// postgresql.key 0600
	// root.crt 0644
}

func ExampleCA_WriteClientBundle() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	is, key := issue(c, selfsign.ClientLeaf, "bob", selfsign.SANs{})
	dir := filepath.Join(filepath.Dir(c.Dir), "bob")
	b, err := c.WriteClientBundle(is, key, ca.ClientBundleOptions{Role: "bob", Dir: dir, PK8: true}, ca.BundleWrite{
		Mkdir:    func(dir string, _ ca.FileOwner) error { return os.MkdirAll(dir, 0o700) },
		Reporter: printReporter{},
	})
	if err != nil {
		panic(err)
	}
	for _, f := range b.Files {
		fmt.Println(filepath.Base(f.Path), f.Mode)
	}
	// Output:
	// postgresql.crt 0644
	// postgresql.key 0600
	// root.crt 0644
	// postgresql.pk8 0600
}

func ExampleSignCSR() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	key, _ := newKey()
	subject, _ := selfsign.ParseSubject("/CN=carol")
	der, err := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	if err != nil {
		panic(err)
	}
	s, err := ca.SignCSR(ca.SignCSROptions{ReadFile: func(string) ([]byte, error) { return der, nil }, KeyError: noKeyError, RequestFile: "carol.req", Profile: selfsign.ClientLeaf, Output: "-",
		Overwrite: neverOverwrite, Signer: func() (ca.Signer, error) { return exampleSigner(c), nil },
		Reporter: printReporter{}, Now: exampleNowFunc})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(string(s.PEM), "BEGIN CERTIFICATE"), len(s.Files))
	// Output: 1 0
}

func ExampleSigned_Summary() {
	s := ca.Signed{IssuedFiles: ca.IssuedFiles{IssuedReport: ca.IssuedReport{Serial: "6F07", Subject: "CN=carol", NotAfter: "2028-04-05T00:00:00Z"}}}
	fmt.Println(s.Summary("client"))
	// Output: signed client certificate 6F07 for CN=carol, until 2028-04-05
}

func ExampleLeafProfile() {
	p, err := ca.LeafProfile("server")
	fmt.Println(p == selfsign.ServerLeaf, err)
	_, err = ca.LeafProfile("ca")
	fmt.Println(err)
	// Output:
	// true <nil>
	// --profile "ca": want server or client
}

func ExampleCheckRole() {
	fmt.Println(ca.CheckRole("alice"))
	fmt.Println(ca.CheckRole(" "))
	// Output:
	// <nil>
	// give the role the certificate logs in as, e.g. --user alice
}

func ExampleCheckRoleDir() {
	fmt.Println(ca.CheckRoleDir("../bob", "-o DIR"))
	// Output: role "../bob" cannot name a bundle directory; give the directory with -o DIR
}

// A DirSigner opens its CA directory once asked, and its errors carry hints.
func ExampleDirSigner() {
	c, cleanup := exampleCA(false)
	defer cleanup()
	s := exampleSigner(c)
	if _, err := s.Open(); err != nil {
		panic(err)
	}
	key, _ := newKey()
	_, is, err := s.Sign(ca.Order{Profile: selfsign.ServerLeaf, Names: []string{"db"}, Key: key, Now: exampleNow})
	if err != nil {
		panic(err)
	}
	fmt.Println(is.Cert.Subject.CommonName, filepath.Base(s.RootCertFile()))
	_, is, err = s.Sign(ca.Order{Profile: selfsign.ClientLeaf, Names: []string{"alice"}, Key: key, Now: exampleNow})
	if err != nil {
		panic(err)
	}
	fmt.Println(is.Cert.Subject.CommonName, is.Cert.ExtKeyUsage[0] == x509.ExtKeyUsageClientAuth)
	// Output:
	// db ca.crt
	// alice true
}

func ExampleServerIssue_WriteText() {
	r := ca.ServerIssue{IssuedFiles: ca.IssuedFiles{IssuedReport: ca.IssuedReport{Serial: "6F07", SANs: "db.example.com", NotAfter: "2027-01-01T00:00:00Z"}}}
	r.WriteText(os.Stdout)
	// Output:
	// issued server certificate 6F07 for db.example.com, until 2027-01-01
	// clients verify it with sslmode=verify-full and the step-ca's root as sslrootcert
}

// Home is the CA directory, asked of Dir once: client bundles go in its
// clients directory.
func ExampleDirSigner_Home() {
	s := &ca.DirSigner{Dir: func() (string, error) { return "/srv/pgcert/ca", nil }}
	home, _ := s.Home()
	fmt.Println(home)
	// Output: /srv/pgcert/ca
}

// RootCertFile is the root's certificate in the CA directory, which clients
// take as sslrootcert.
func ExampleDirSigner_RootCertFile() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	s := exampleSigner(c)
	if _, err := s.Open(); err != nil {
		panic(err)
	}
	fmt.Println(relative(c.Dir, s.RootCertFile()))
	// Output: ~/root/ca.crt
}
