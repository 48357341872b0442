package chain

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func TestLoadRefusal(t *testing.T) {
	weakKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	weakInter := testpki.Make(t, testpki.Template{CN: "Weak Inter", IsCA: true, MaxPath: -1, Key: weakKey}, root)
	leaf := inter.Server(t, "db.example.com")
	weakLeaf := testpki.Make(t, testpki.Template{CN: "db.example.com", Key: weakKey, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, inter)
	selfSignedWeak := testpki.Make(t, testpki.Template{CN: "db.example.com", Key: weakKey}, nil)
	for _, tc := range []struct {
		name   string
		certs  []*testpki.Cert
		level  int
		reason string
		at     int
	}{
		{"strong chain", []*testpki.Cert{leaf, inter, root}, 2, "", -1},
		{"weak leaf", []*testpki.Cert{weakLeaf, inter}, 2, "ee key too small", 0},
		{"weak self-signed leaf", []*testpki.Cert{selfSignedWeak}, 2, "ee key too small", 0},
		{"weak leaf at level 1", []*testpki.Cert{weakLeaf, inter}, 1, "", -1},
		{"weak CA in the chain", []*testpki.Cert{weakInter.Server(t, "db.example.com"), weakInter}, 2, "ca key too small", 1},
		{"no level", []*testpki.Cert{weakLeaf}, -1, "", -1},
	} {
		var ins []Input
		for _, c := range tc.certs {
			ins = append(ins, in(c))
		}
		if reason, at := LoadRefusal(ins, tc.level); reason != tc.reason || at != tc.at {
			t.Errorf("%s: LoadRefusal = %q at %d, want %q at %d", tc.name, reason, at, tc.reason, tc.at)
		}
	}
}
