package rotate_test

import (
	"crypto"
	"fmt"
	"log"
	"os"
	"path/filepath"

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
