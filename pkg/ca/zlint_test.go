package ca

import (
	"testing"

	"github.com/pgcert/pgcert/internal/lintcert"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestZlintCAHierarchy lints every certificate a CA directory makes: the root, the
// intermediate, and server and client leaves, for ECDSA and RSA CAs.
func TestZlintCAHierarchy(t *testing.T) {
	for _, kt := range []keys.Type{keys.TypeEC, keys.TypeRSA} {
		c := newCA(t, CreateOptions{Intermediate: true, Key: keys.GenerateOptions{Type: kt}})
		lintcert.Certificate(t, string(kt)+" root", c.Parent.Cert.Raw)
		lintcert.Certificate(t, string(kt)+" intermediate", c.Cert.Raw)
		sans, _ := selfsign.HostSANs([]string{"db.example.com", "10.0.0.5"})
		out, err := c.IssueAll([]Request{
			{Profile: selfsign.ServerLeaf, Subject: commonNameRDN("db.example.com"), SANs: sans, PublicKey: testpki.NewKey(t).Public(), Now: testNow},
			{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("alice"), PublicKey: testpki.NewKey(t).Public(), Now: testNow},
		})
		if err != nil {
			t.Fatal(err)
		}
		lintcert.Certificate(t, string(kt)+" server", out[0].Cert.Raw)
		lintcert.Certificate(t, string(kt)+" client", out[1].Cert.Raw)
	}
}
