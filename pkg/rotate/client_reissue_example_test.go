package rotate_test

import (
	"crypto"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// With no bundle directory there is no key to keep: ReissueClient makes one of
// the current key's kind, and keeps the current certificate's validity.
func ExampleReissueClient() {
	c, base := issueAlice()
	defer os.RemoveAll(base)
	r, err := rotate.ReissueClient(c, rotate.ReissueOptions{Role: "alice", Dir: filepath.Join(base, "alice"), Now: now,
		Generate: func(o keys.GenerateOptions) (crypto.Signer, error) { return keys.Generate(o) }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Issued.Cert.Subject.CommonName, r.Rekeyed, r.Issued.Cert.NotAfter.Sub(r.Issued.Cert.NotBefore) == r.Old.NotAfter.Sub(r.Old.NotBefore))
	// Output: alice true true
}

// RenewClient writes the new bundle where the CA directory keeps the role's
// (CA_DIR/clients/ROLE) and, told to, revokes the certificate it replaces.
func ExampleRenewClient() {
	c, base := issueAlice()
	defer os.RemoveAll(base)
	r, err := rotate.RenewClient(rotate.RenewClientOptions{Role: "alice", RevokeOld: true,
		CA:       &ca.DirSigner{Dir: func() (string, error) { return c.Dir, nil }, OpenCA: func(string) (*ca.CA, error) { return c, nil }},
		Write:    ca.BundleWrite{Force: true, Mkdir: func(d string, _ ca.FileOwner) error { return os.MkdirAll(d, 0o700) }, Reporter: quiet{}},
		Generate: func(o keys.GenerateOptions) (crypto.Signer, error) { return keys.Generate(o) },
		Now:      func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(r.Dir), r.Rekeyed, r.OldRevoked, len(r.Files))
	// Output: alice true true 3
}

// quiet is a ca.Reporter that says nothing.
type quiet struct{}

func (quiet) Infof(string, ...any) {}
func (quiet) Warnf(string, ...any) {}
