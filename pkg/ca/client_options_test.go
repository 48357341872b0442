package ca_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleCA_ClientBundleWith() {
	c, cleanup := exampleCA(true)
	defer cleanup()
	is, key := issue(c, selfsign.ClientLeaf, "app", selfsign.SANs{})
	b, err := c.ClientBundleWith(is, key, ca.ClientBundleOptions{
		Role: "app", Dir: "/srv/app/.postgresql", DBName: "appdb",
		Passphrase: []byte("app passphrase"), KeyFormat: keys.FormatTraditional, PK8: true, P12: true,
	})
	if err != nil {
		panic(err)
	}
	for _, f := range b.Files {
		fmt.Printf("%s %04o\n", filepath.Base(f.Path), f.Mode)
	}
	fmt.Println(b.ConnString)
	// Output:
	// postgresql.crt 0644
	// postgresql.key 0600
	// root.crt 0644
	// postgresql.pk8 0600
	// postgresql.p12 0600
	// sslmode=verify-full sslcert=/srv/app/.postgresql/postgresql.crt sslkey=/srv/app/.postgresql/postgresql.key sslrootcert=/srv/app/.postgresql/root.crt user=app dbname=appdb
}

// TestClientBundleWithKeys: every key file of an encrypted bundle opens with the
// passphrase only, holds the certificate's key, in the form asked for; the
// PKCS#12 file holds the leaf, the intermediate and the root; a DER postgresql.key,
// which libpq cannot read, is refused.
func TestClientBundleWithKeys(t *testing.T) {
	c, cleanup := exampleCA(true)
	defer cleanup()
	is, key := issue(c, selfsign.ClientLeaf, "app", selfsign.SANs{})
	pass := []byte("app passphrase")
	b, err := c.ClientBundleWith(is, key, ca.ClientBundleOptions{Role: "app", Dir: "/x", Passphrase: pass,
		KeyFormat: keys.FormatTraditional, PK8: true, P12: true, P12Legacy: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ca.ClientKeyFile: keys.ContainerSEC1, ca.ClientPK8File: keys.ContainerPKCS8, ca.ClientP12File: keys.ContainerPKCS12}
	for _, f := range b.Files {
		container, ok := want[filepath.Base(f.Path)]
		if !ok {
			continue
		}
		delete(want, filepath.Base(f.Path))
		if _, err := keys.Parse(f.Data, func() ([]byte, error) { return []byte("wrong"), nil }); !errors.Is(err, keys.ErrIncorrectPassphrase) {
			t.Errorf("%s with a wrong passphrase: %v", f.Path, err)
		}
		k, err := keys.Parse(f.Data, func() ([]byte, error) { return pass, nil })
		if err != nil || k.Info.Container != container || !keys.PublicKeysEqual(k.Signer.Public(), is.Cert.PublicKey) {
			t.Errorf("%s: %v, %+v, want %s with the certificate's key", f.Path, err, k, container)
		}
		if container == keys.ContainerPKCS12 {
			p, err := keys.ParsePKCS12(f.Data, func() ([]byte, error) { return pass, nil })
			if err != nil {
				t.Errorf("postgresql.p12: %v", err)
			} else if !p.Cert.Equal(is.Cert) || len(p.CACerts) != len(c.Intermediates())+1 {
				t.Errorf("postgresql.p12: another leaf, or %d CA certificates", len(p.CACerts))
			}
		}
	}
	if len(want) != 0 {
		t.Errorf("missing key files %v", want)
	}
	var oe *keys.OptionError
	if _, err := c.ClientBundleWith(is, key, ca.ClientBundleOptions{Role: "app", Dir: "/x", KeyFormat: keys.FormatPKCS8DER}); !errors.As(err, &oe) {
		t.Errorf("a DER postgresql.key: %v, want an OptionError", err)
	}
}
