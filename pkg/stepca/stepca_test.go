package stepca_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/crlscope"
	"github.com/pgcert/pgcert/pkg/stepca"
)

func connect(t *testing.T, f *fakeCA) *stepca.Client {
	t.Helper()
	c, err := stepca.New(context.Background(), stepca.Options{URL: f.srv.URL, Fingerprint: stepca.Fingerprint(f.root), Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func provisioner(t *testing.T, c *stepca.Client) *stepca.Provisioner {
	t.Helper()
	p, err := c.Provisioner(context.Background(), provName, []byte(provPass))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRootByFingerprint(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	if !c.Root.Equal(f.root) {
		t.Fatal("the fetched root is not the CA's")
	}
	other := stepca.Fingerprint(f.inter)
	_, err := stepca.New(context.Background(), stepca.Options{URL: f.srv.URL, Fingerprint: other})
	var rm *stepca.RootMismatchError
	if !errors.As(err, &rm) || rm.Want != other {
		t.Fatalf("a wrong fingerprint: %v", err)
	}
	// A root file and a fingerprint that disagree.
	if _, err := stepca.New(context.Background(), stepca.Options{URL: f.srv.URL, Root: f.root, Fingerprint: other}); !errors.As(err, &rm) {
		t.Fatalf("a root file that is not the fingerprint's: %v", err)
	}
	// A root file that is not the CA's: the TLS handshake fails.
	cl, err := stepca.New(context.Background(), stepca.Options{URL: f.srv.URL, Root: newFakeCA(t).root})
	if err != nil {
		t.Fatal(err)
	}
	var ue *stepca.UnreachableError
	if err := cl.Health(context.Background()); !errors.As(err, &ue) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("another CA's root: %v", err)
	}
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestBadAddresses(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:1", "127.0.0.1:443", "https://host/some/path"} {
		if _, err := stepca.New(context.Background(), stepca.Options{URL: u, Fingerprint: strings.Repeat("a", 64)}); err == nil || !strings.Contains(err.Error(), "not a CA address") {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = stepca.New(context.Background(), stepca.Options{URL: "https://" + addr, Fingerprint: strings.Repeat("a", 64)})
	var ue *stepca.UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("a CA that is down: %v", err)
	}
}

func TestProvisionerErrors(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	_, err := c.Provisioner(context.Background(), provName, []byte("wrong"))
	var pe *stepca.PasswordError
	if !errors.As(err, &pe) || pe.Provisioner != provName {
		t.Errorf("a wrong password: %v", err)
	}
	_, err = c.Provisioner(context.Background(), "nobody", []byte(provPass))
	var up *stepca.UnknownProvisionerError
	// The ACME provisioner on the first page is not a JWK one; admin is on the second.
	if !errors.As(err, &up) || len(up.Known) != 1 || up.Known[0] != provName {
		t.Errorf("an unknown provisioner: %v", err)
	}
}

func TestIssueRenewRevokeCRL(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	p := provisioner(t, c)
	key := ecKey(t)
	ctx := context.Background()
	is, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: key, Subject: "db.example.com", SANs: []string{"db.example.com", "127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if is.Cert.Subject.CommonName != "db.example.com" || len(is.Cert.IPAddresses) != 1 || len(is.Intermediates) != 1 || !is.Intermediates[0].Equal(f.inter) {
		t.Fatalf("issued %v %v, intermediates %d", is.Cert.Subject, is.Cert.IPAddresses, len(is.Intermediates))
	}
	tok := f.lastToken
	if tok["sha"] != stepca.Fingerprint(f.root) || tok["sub"] != "db.example.com" || tok["jti"] == "" {
		t.Errorf("token claims %v", tok)
	}
	if exp, nbf := tok["exp"].(float64), tok["nbf"].(float64); exp-nbf != stepca.TokenLifetime.Seconds() || int64(nbf) != f.now.Unix() {
		t.Errorf("token nbf %v exp %v, now %d", nbf, exp, f.now.Unix())
	}
	// A client certificate: the subject alone.
	cl, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: ecKey(t), Subject: "alice"})
	if err != nil || cl.Cert.Subject.CommonName != "alice" {
		t.Fatalf("client: %v", err)
	}

	re, err := c.Renew(ctx, is, key)
	if err != nil {
		t.Fatal(err)
	}
	if re.Cert.SerialNumber.Cmp(is.Cert.SerialNumber) == 0 || !re.Cert.PublicKey.(*ecdsa.PublicKey).Equal(&key.PublicKey) {
		t.Error("renewal: same serial, or another key")
	}

	if err := c.Revoke(ctx, p, cl.Cert.SerialNumber, stepca.ReasonKeyCompromise, "lost laptop"); err != nil {
		t.Fatal(err)
	}
	crl, err := c.FetchCRL(ctx, is.Intermediates)
	if err != nil {
		t.Fatal(err)
	}
	if !crl.Issuer.Equal(f.inter) || len(crl.List.RevokedCertificateEntries) != 1 || crl.List.RevokedCertificateEntries[0].SerialNumber.Cmp(cl.Cert.SerialNumber) != 0 {
		t.Errorf("CRL: issuer %v, entries %v", crl.Issuer.Subject, crl.List.RevokedCertificateEntries)
	}
	if !strings.HasPrefix(string(crl.PEM), "-----BEGIN X509 CRL-----") {
		t.Errorf("CRL PEM %q", crl.PEM[:20])
	}
	// Without the intermediate, the CRL's signer is unknown.
	if _, err := c.FetchCRL(ctx, nil); err == nil || !strings.Contains(err.Error(), "not signed by a CA of its chain") {
		t.Errorf("CRL without its issuer: %v", err)
	}

	// Renewing needs the certificate's key: the handshake proves it.
	if _, err = c.Renew(ctx, cl, ecKey(t)); err == nil {
		t.Fatal("renewing with another key worked")
	}
}

func TestRenewRevokedRefused(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	p := provisioner(t, c)
	key := ecKey(t)
	ctx := context.Background()
	is, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: key, Subject: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(ctx, p, is.Cert.SerialNumber, stepca.ReasonUnspecified, ""); err != nil {
		t.Fatal(err)
	}
	_, err = c.Renew(ctx, is, key)
	var re *stepca.RefusedError
	if !errors.As(err, &re) || re.Status != 401 || !strings.Contains(re.Message, "lacked necessary authorization") {
		t.Fatalf("renewing a revoked certificate: %v", err)
	}
	if err := c.Revoke(ctx, p, big.NewInt(0), 0, ""); err == nil {
		t.Error("revoking serial 0 was sent")
	}
}

func TestCRLMissingOrStale(t *testing.T) {
	f := newFakeCA(t)
	c := connect(t, f)
	ctx := context.Background()
	f.noCRL = true
	if _, err := c.FetchCRL(ctx, []*x509.Certificate{f.inter}); !errors.Is(err, stepca.ErrNoCRL) {
		t.Errorf("no CRL: %v", err)
	}
	f.noCRL, f.staleCRL = false, true
	var se *stepca.StaleCRLError
	if _, err := c.FetchCRL(ctx, []*x509.Certificate{f.inter}); !errors.As(err, &se) {
		t.Errorf("a stale CRL: %v", err)
	}
}

func TestCRLScope(t *testing.T) {
	f := newFakeCA(t)
	f.idp = f.srv.URL + "/1.0/crl"
	c := connect(t, f)
	p := provisioner(t, c)
	ctx := context.Background()
	bare, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: ecKey(t), Subject: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	f.crldp = f.idp
	named, err := c.Issue(ctx, stepca.Request{Provisioner: p, Key: ecKey(t), Subject: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	crl, err := c.FetchCRL(ctx, bare.Intermediates)
	if err != nil {
		t.Fatal(err)
	}
	if got := crlscope.IDPURIs(crl.List); len(got) != 1 || got[0] != f.idp {
		t.Errorf("IDPURIs = %q", got)
	}
	if got := crlscope.Mismatch(crl.List, bare.Cert); got != f.idp {
		t.Errorf("a certificate without the CRL's distribution point: %q", got)
	}
	if got := crlscope.Mismatch(crl.List, named.Cert); got != "" {
		t.Errorf("a certificate naming the CRL's distribution point: %q", got)
	}
	f.idp = ""
	if crl, err = c.FetchCRL(ctx, bare.Intermediates); err != nil || crlscope.IDPURIs(crl.List) != nil || crlscope.Mismatch(crl.List, bare.Cert) != "" {
		t.Errorf("a CRL without a distribution point: %v", err)
	}
}
