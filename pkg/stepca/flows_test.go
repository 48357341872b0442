package stepca_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/stepca"
)

func TestRevokeWith(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	ctx := context.Background()
	asked := 0
	prov := func() (*stepca.Provisioner, error) { asked++; return provisioner(t, c), nil }
	is, err := c.Issue(ctx, stepca.Request{Provisioner: provisioner(t, c), Key: ecKey(t), Subject: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.RevokeWith(ctx, stepca.RevokeOptions{Certs: append([]*x509.Certificate{is.Cert}, is.Intermediates...), CertFile: "alice.crt", Reason: ca.ReasonNone, Provisioner: prov})
	if err != nil {
		t.Fatal(err)
	}
	if r.Serial != ca.SerialHex(is.Cert.SerialNumber.Bytes()) || r.Subject != "CN=alice" || r.Reason != ca.ReasonNone.String() || r.CAURL != c.URL || asked != 1 {
		t.Errorf("revocation %+v (provisioner asked %d times)", r, asked)
	}
	// A certificate of another CA is refused before the password is asked for.
	other := newFakeCA(t)
	bobIs, err := connect(t, other).Issue(ctx, stepca.Request{Provisioner: provisioner(t, connect(t, other)), Key: ecKey(t), Subject: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RevokeWith(ctx, stepca.RevokeOptions{Certs: []*x509.Certificate{bobIs.Cert}, CertFile: "bob.crt", Provisioner: prov})
	if err == nil || !strings.Contains(err.Error(), "bob.crt was not issued by the step-ca") || asked != 1 {
		t.Errorf("another CA's certificate: %v (provisioner asked %d times)", err, asked)
	}
}

func TestRenewBundle(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	ctx := context.Background()
	key := ecKey(t)
	is, err := c.Issue(ctx, stepca.Request{Provisioner: provisioner(t, c), Key: key, Subject: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	o := stepca.RenewBundleOptions{Certs: append([]*x509.Certificate{is.Cert}, is.Intermediates...), CertFile: "postgresql.crt", Role: "alice",
		Key:     func() (crypto.Signer, error) { calls++; return key, nil },
		Connect: func() (*stepca.Client, error) { calls++; return c, nil }}
	rb, err := stepca.RenewBundle(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if rb.Old != is.Cert || rb.Issued.Cert.Subject.CommonName != "alice" || rb.Issued.Cert.SerialNumber.Cmp(is.Cert.SerialNumber) == 0 ||
		rb.Chain.Root() == nil || !rb.Chain.Root().Equal(c.Root) || calls != 2 {
		t.Errorf("renewed %+v (%d calls)", rb, calls)
	}
	o.Role = "bob"
	_, err = stepca.RenewBundle(ctx, o)
	if err == nil || !strings.Contains(err.Error(), `is the certificate of "alice", not of "bob"`) || calls != 2 {
		t.Errorf("another role's bundle: %v (%d calls)", err, calls)
	}
	o.Role, o.Key = "alice", func() (crypto.Signer, error) { return nil, errors.New("no key") }
	if _, err = stepca.RenewBundle(ctx, o); err == nil || err.Error() != "no key" {
		t.Errorf("key error: %v", err)
	}
}

func TestCheckRootKey(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	if err := c.CheckRootKey(f.rootKey, "root_ca_key"); err != nil {
		t.Errorf("the root's key: %v", err)
	}
	err := c.CheckRootKey(ecKey(t), "other.key")
	if err == nil || !strings.Contains(err.Error(), "--root-key other.key is not the key of the step-ca's root") {
		t.Errorf("another key: %v", err)
	}
}
