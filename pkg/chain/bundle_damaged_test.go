package chain

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// TestDamagedBlockIsNotSkipped cuts a bundle short, and damages a block in its
// middle: neither may read as the certificates that are left.
func TestDamagedBlockIsNotSkipped(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	bundle := testpki.Bundle(leaf, inter, root)
	middle := bytes.Replace(bundle, inter.PEM()[40:60], []byte("!!!!not*base64!!!!!!"), 1)
	for name, data := range map[string][]byte{
		"cut short":          bundle[:len(bundle)-100],
		"damaged in between": middle,
	} {
		certs, err := ParseCertificates(data)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %d certificates, err %v", name, len(certs), err)
		}
	}
	if certs, err := ParseCertificates(append([]byte("text before\n"), bundle...)); err != nil || len(certs) != 3 {
		t.Fatalf("a whole bundle: %d certificates, %v", len(certs), err)
	}
}
