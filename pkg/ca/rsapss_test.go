package ca

import (
	"errors"
	"os"
	"testing"

	"github.com/pgcert/pgcert/pkg/keys"
)

// TestRSAPSS: a CA key is never RSA-PSS (refused before anything is made, and
// KeyFor picks RSA for init's RSA-PSS leaves), and an ECDSA CA issues a server
// certificate for an RSA-PSS key that names it as such and verifies.
func TestRSAPSS(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir, CreateOptions{Now: testNow, Key: keys.GenerateOptions{Type: keys.TypeRSAPSS}}); !errors.Is(err, ErrRSAPSSCA) {
		t.Errorf("RSA-PSS CA: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused Create left %d files", len(entries))
	}
	first := newCA(t, CreateOptions{Intermediate: true})
	if _, err := CreateIntermediate(IntermediateRoot(first), t.TempDir(), IntermediateOptions{CommonName: "PSS CA", Now: testNow, Key: keys.GenerateOptions{Type: keys.TypeRSAPSS}}); !errors.Is(err, ErrRSAPSSCA) {
		t.Errorf("RSA-PSS intermediate: %v", err)
	}
	if g := KeyFor(keys.GenerateOptions{Type: keys.TypeRSAPSS, Bits: 3072}); g.Type != keys.TypeRSA || g.Bits != 3072 {
		t.Errorf("KeyFor(RSA-PSS 3072) = %+v", g)
	}
	if g := KeyFor(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP384}); g.Type != keys.TypeEC || g.Curve != keys.CurveP384 {
		t.Errorf("KeyFor(EC P-384) = %+v", g)
	}

	k, err := keys.GenerateRSAPSS(2048)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ServerRequest([]string{"db.example.com"}, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	r.Now = testNow
	is, err := first.Issue(r)
	if err != nil {
		t.Fatal(err)
	}
	if !keys.IsRSAPSSPublicKeyInfo(is.Cert.RawSubjectPublicKeyInfo) || !keys.PublicKeysEqual(k.Public(), is.Cert.PublicKey) {
		t.Error("the certificate is not for the RSA-PSS key")
	}
	if err := is.Cert.CheckSignatureFrom(first.Cert); err != nil {
		t.Error(err)
	}
}
