package rotate_test

import (
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// issueAlice makes a CA and issues a client certificate for role alice, recorded in
// the CA's index only (no bundle directory).
func issueAlice() (*ca.CA, string) {
	base, err := os.MkdirTemp("", "rotate-client-example")
	if err != nil {
		log.Fatal(err)
	}
	c, err := ca.Create(filepath.Join(base, "ca"), ca.CreateOptions{Now: now.AddDate(0, 0, -30)})
	if err != nil {
		log.Fatal(err)
	}
	key, err := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: pkix.Name{CommonName: "alice"}.ToRDNSequence(),
		PublicKey: key.Public(), Days: 365, Now: now.AddDate(0, 0, -30)})
	if err != nil {
		log.Fatal(err)
	}
	return c, base
}

func ExampleCurrentClient() {
	c, base := issueAlice()
	defer os.RemoveAll(base)

	// No bundle in the directory: the newest valid certificate of the index.
	old, err := rotate.CurrentClient(c, "alice", filepath.Join(base, "alice"), now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(old.Subject.CommonName, old.NotAfter.Format("2006-01-02"))

	// A role the CA never issued to: an error whose hint says how to issue one.
	_, err = rotate.CurrentClient(c, "bob", filepath.Join(base, "bob"), now)
	var re *rotate.Error
	if errors.As(err, &re) {
		fmt.Println(re.Hints[0])
	}
	// Output:
	// alice 2027-05-02
	// issue one with: pgcert ca issue client --user bob
}

func ExampleClientKey() {
	c, base := issueAlice()
	defer os.RemoveAll(base)
	old, err := rotate.CurrentClient(c, "alice", base, now)
	if err != nil {
		log.Fatal(err)
	}

	// The bundle holds no key: the renewal makes one like the old one's.
	key, err := rotate.ClientKey(base, old, false)
	if err != nil {
		log.Fatal(err)
	}
	if key == nil {
		o := rotate.LikeKey(old.PublicKey)
		fmt.Println("a new", o.Type, "key")
	}
	// Output:
	// a new ec key
}
