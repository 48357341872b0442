package rotate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestClientRenewalInputs(t *testing.T) {
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Now: testpki.Now.AddDate(0, 0, -30)})
	if err != nil {
		t.Fatal(err)
	}
	key := testpki.NewKey(t)
	is, err := c.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: cn("alice"), PublicKey: key.Public(), Now: testpki.Now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	bundle := t.TempDir()
	testdatadir.Write(t, bundle, "postgresql.crt", ca.PEM(is.Cert), 0o644)
	keyPEM, _ := keys.MarshalPKCS8PEM(key)
	testdatadir.Write(t, bundle, "postgresql.key", keyPEM, 0o600)

	old, err := CurrentClient(c, "alice", bundle, testpki.Now)
	if err != nil || !old.Equal(is.Cert) {
		t.Fatalf("the bundle's certificate: %v", err)
	}
	if k, err := ClientKey(bundle, old, false); err != nil || k == nil || !keys.PublicKeysEqual(k.Public(), key.Public()) {
		t.Fatalf("the bundle's key is kept: %v", err)
	}
	if k, err := ClientKey(bundle, old, true); err != nil || k != nil {
		t.Fatalf("rekey: %v, %v", k, err)
	}

	stranger := testpki.Root(t, "stranger").Client(t, "alice")
	other := t.TempDir()
	testdatadir.Write(t, other, "postgresql.crt", stranger.PEM(), 0o644)
	encrypted, err := keys.MarshalEncryptedPKCS8PEM(key, []byte("secret"), keys.EncryptOptions{Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"another role's bundle", func() error { _, err := CurrentClient(c, "bob", bundle, testpki.Now); return err }, `is the certificate of "alice", not of "bob"`},
		{"another CA's certificate", func() error { _, err := CurrentClient(c, "alice", other, testpki.Now); return err }, "was not issued by the CA"},
		{"a key of another certificate", func() error {
			testdatadir.Write(t, other, "postgresql.key", keyPEM, 0o600)
			_, err := ClientKey(other, stranger.Cert, false)
			return err
		}, "does not belong to the certificate being renewed"},
		{"an encrypted key", func() error {
			testdatadir.Write(t, other, "postgresql.key", encrypted, 0o600)
			_, err := ClientKey(other, old, false)
			return err
		}, "is encrypted"},
	} {
		if err := tc.err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
