package ca

import (
	"bytes"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestRenewalKeepsNamesAndProfile(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	key := testpki.NewKey(t)
	sans, err := selfsign.HostSANs([]string{"db.example.com", "10.0.0.5", "replica.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := c.Issue(Request{Profile: selfsign.ServerLeaf, Subject: commonNameRDN("db.example.com"), SANs: sans, PublicKey: key.Public(), Now: testNow, Days: 90})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Renewal(old.Cert, key.Public())
	if err != nil {
		t.Fatal(err)
	}
	r.Now, r.Days = testNow.AddDate(0, 0, 60), 90
	renewed, err := c.Issue(r)
	if err != nil {
		t.Fatal(err)
	}
	n, o := renewed.Cert, old.Cert
	if !bytes.Equal(n.RawSubject, o.RawSubject) || !slices.Equal(n.DNSNames, o.DNSNames) || len(n.IPAddresses) != 1 || !n.IPAddresses[0].Equal(net.ParseIP("10.0.0.5")) {
		t.Fatalf("renewed names: %v %v %v, were %v %v %v", n.Subject, n.DNSNames, n.IPAddresses, o.Subject, o.DNSNames, o.IPAddresses)
	}
	if !slices.Equal(n.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) || !keys.PublicKeysEqual(n.PublicKey, key.Public()) {
		t.Fatalf("renewed EKU %v or key differ", n.ExtKeyUsage)
	}
	if n.SerialNumber.Cmp(o.SerialNumber) == 0 || !n.NotAfter.Equal(testNow.AddDate(0, 0, 150)) {
		t.Fatalf("serial %v (was %v), notAfter %v", n.SerialNumber, o.SerialNumber, n.NotAfter)
	}

	client := issueClient(t, c, "alice")
	r, err = Renewal(client.Cert, testpki.NewKey(t).Public())
	if err != nil || r.Profile != selfsign.ClientLeaf || !bytes.Equal(r.RawSubject, client.Cert.RawSubject) {
		t.Fatalf("client renewal: %+v, %v", r, err)
	}
	if _, err := Renewal(c.Cert, c.Cert.PublicKey); !errors.Is(err, ErrNotRenewable) {
		t.Fatalf("renewing the CA itself: %v", err)
	}
}

func TestLatest(t *testing.T) {
	c := newCA(t, CreateOptions{})
	if err := c.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	first := issueClient(t, c, "alice")
	issueClient(t, c, "bob")
	second := issueClient(t, c, "alice")
	got, err := c.Latest(first.Cert.RawSubject, testNow)
	if err != nil || got == nil || !got.Equal(second.Cert) {
		t.Fatalf("latest alice: %v, %v", got, err)
	}
	if _, err := c.Revoke(second.Cert.SerialNumber, ReasonSuperseded, testNow); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Latest(first.Cert.RawSubject, testNow); err != nil || !got.Equal(first.Cert) {
		t.Fatalf("after revoking the newest: %v, %v", got, err)
	}
	if got, err := c.Latest(first.Cert.RawSubject, first.Cert.NotAfter); err != nil || got != nil {
		t.Fatalf("once expired: %v, %v", got, err)
	}
	carol := testpki.Root(t, "other").Client(t, "carol")
	if got, err := c.Latest(carol.Cert.RawSubject, testNow); err != nil || got != nil {
		t.Fatalf("a name never issued: %v, %v", got, err)
	}
}
