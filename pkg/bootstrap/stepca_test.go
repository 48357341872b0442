package bootstrap_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/crl"
)

func TestStepRootCRL(t *testing.T) {
	root := testpki.Root(t, "Step Root CA")
	data, err := bootstrap.StepRootCRL(root.Cert, root.Key, testpki.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := crl.ParseCRLs(data)
	if err != nil || len(lists) != 1 {
		t.Fatalf("%v, %d CRLs", err, len(lists))
	}
	l := lists[0]
	if err := l.CheckSignatureFrom(root.Cert); err != nil || len(l.RevokedCertificateEntries) != 0 {
		t.Errorf("signature %v, %d entries", err, len(l.RevokedCertificateEntries))
	}
	if got := l.NextUpdate.Sub(l.ThisUpdate); got != bootstrap.StepRootCRLDays*24*time.Hour {
		t.Errorf("valid for %s", got)
	}
	later, err := bootstrap.StepRootCRL(root.Cert, root.Key, testpki.Now.Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := crl.ParseCRLs(later)
	if next[0].Number.Cmp(l.Number) <= 0 {
		t.Errorf("a later CRL has number %s, not above %s", next[0].Number, l.Number)
	}
}

func TestOtherStepCA(t *testing.T) {
	root := testpki.Root(t, "Step Root CA")
	inter := root.Intermediate(t, "Step Intermediate CA")
	other := testpki.Root(t, "Another Root CA")
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Empty: nothing to replace.
	if err := bootstrap.OtherStepCA(dir, root.Cert, "https://ca:9000"); err != nil {
		t.Fatal(err)
	}
	write("server.crt", testpki.Bundle(inter.Server(t, "db.example.com"), inter))
	write("root.crt", root.PEM())
	write("root.crl", append(inter.CRLPEM(t, 1, testpki.Now, testpki.Now.Add(time.Hour)), root.CRLPEM(t, 1, testpki.Now, testpki.Now.Add(time.Hour))...))
	if err := bootstrap.OtherStepCA(dir, root.Cert, "https://ca:9000"); err != nil {
		t.Fatalf("the step-ca's own files: %v", err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"server.crt", testpki.Bundle(other.Server(t, "db.example.com"))},
		{"root.crt", other.PEM()},
		{"root.crl", other.CRLPEM(t, 1, testpki.Now, testpki.Now.Add(time.Hour))},
	} {
		saved, _ := os.ReadFile(filepath.Join(dir, tc.name))
		write(tc.name, tc.data)
		var oe *bootstrap.OtherCAError
		if err := bootstrap.OtherStepCA(dir, root.Cert, "https://ca:9000"); !errors.As(err, &oe) || oe.Path != filepath.Join(dir, tc.name) || oe.Issuer != "CN = Another Root CA" {
			t.Errorf("%s of another CA: %v", tc.name, err)
		}
		write(tc.name, saved)
	}
}
