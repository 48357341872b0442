package probe

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// TestDescribeMatchesOpenSSL checks serial and fingerprint against what openssl prints
// for the same certificate, which is what an admin will compare them with.
func TestDescribeMatchesOpenSSL(t *testing.T) {
	root := testpki.Root(t, "probe root")
	for _, serial := range []int64{1, 0x0abc, 0x1234567890} {
		c := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, Serial: big.NewInt(serial)}, root)
		path := filepath.Join(t.TempDir(), "c.pem")
		if err := os.WriteFile(path, c.PEM(), 0o644); err != nil {
			t.Fatal(err)
		}
		out := string(testenv.OpenSSL(t, "x509", "-in", path, "-noout", "-serial", "-fingerprint", "-sha256"))
		d := describe(c.Cert, testpki.Now)
		if !strings.Contains(out, "serial="+d.Serial+"\n") {
			t.Errorf("serial %q not in openssl's output:\n%s", d.Serial, out)
		}
		if !strings.Contains(out, "Fingerprint="+d.SHA256+"\n") {
			t.Errorf("fingerprint %q not in openssl's output:\n%s", d.SHA256, out)
		}
	}
}

func TestDescribeChain(t *testing.T) {
	root := testpki.Root(t, "probe root")
	inter := root.Intermediate(t, "probe intermediate")
	leaf := inter.Server(t, "db.example.com", "10.0.0.5")
	now := testpki.Now.Add(30 * 24 * time.Hour)

	got := describeChain([]*x509.Certificate{leaf.Cert, inter.Cert, root.Cert}, now)
	if len(got) != 3 {
		t.Fatalf("%d certificates described", len(got))
	}
	l := got[0]
	if l.Subject != "CN=db.example.com" || l.Issuer != "CN=probe intermediate" || l.IsCA || l.SelfSigned {
		t.Errorf("leaf described as %+v", l)
	}
	if l.DaysLeft != 335 {
		t.Errorf("leaf DaysLeft = %d, want 335 (365 - 30)", l.DaysLeft)
	}
	if len(l.DNSNames) != 1 || l.DNSNames[0] != "db.example.com" || len(l.IPAddresses) != 1 || l.IPAddresses[0] != "10.0.0.5" {
		t.Errorf("leaf names %v %v", l.DNSNames, l.IPAddresses)
	}
	if !got[0].IssuedByNext || !got[1].IssuedByNext || got[2].IssuedByNext {
		t.Errorf("IssuedByNext = %v %v %v, want true true false", got[0].IssuedByNext, got[1].IssuedByNext, got[2].IssuedByNext)
	}
	if !got[2].SelfSigned || !got[2].IsCA || got[1].SelfSigned || !got[1].IsCA {
		t.Errorf("CA flags: %+v %+v", got[1], got[2])
	}

	// Out of order: the intermediate first did not sign the leaf after it.
	swapped := describeChain([]*x509.Certificate{inter.Cert, leaf.Cert}, now)
	if swapped[0].IssuedByNext {
		t.Error("intermediate before leaf reported as issued by the next certificate")
	}

	expired := describe(leaf.Cert, leaf.Cert.NotAfter.Add(36*time.Hour))
	if expired.DaysLeft != -2 {
		t.Errorf("DaysLeft 36h after expiry = %d, want -2", expired.DaysLeft)
	}
}

func TestDecodeNames(t *testing.T) {
	name := pkix.Name{CommonName: "Example CA", Organization: []string{"Example"}, Country: []string{"FR"}}
	der, err := asn1.Marshal(name.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	got := decodeNames([][]byte{der, []byte("\x30\x03junk"), append(der, 0)})
	if len(got) != 3 {
		t.Fatalf("decodeNames = %q", got)
	}
	if got[0] != "CN=Example CA,O=Example,C=FR" {
		t.Errorf("name = %q", got[0])
	}
	for _, g := range got[1:] {
		if !strings.HasPrefix(g, "(undecodable name ") {
			t.Errorf("bad name shown as %q", g)
		}
	}
}
