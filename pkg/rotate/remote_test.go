package rotate

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// fakeRemote is a CA service in front of the fixture's CA directory: it renews
// with the intermediate and publishes its CRL, and signs the root's CRL only
// when rootKey says the key is at hand.
type fakeRemote struct {
	fx       *fixture
	rootKey  bool
	renewErr error
}

func (f *fakeRemote) Name() string            { return "https://ca.test:9000" }
func (f *fakeRemote) Root() *x509.Certificate { return f.fx.CA.Root() }

func (f *fakeRemote) Renew(leaf *x509.Certificate, inters []*x509.Certificate, key crypto.Signer) (*x509.Certificate, []*x509.Certificate, error) {
	if f.renewErr != nil {
		return nil, nil, f.renewErr
	}
	if !keys.PublicKeysEqual(key.Public(), leaf.PublicKey) {
		return nil, nil, errors.New("the key is not the certificate's")
	}
	req, err := ca.Renewal(leaf, key.Public())
	if err != nil {
		return nil, nil, err
	}
	req.Days, req.Now = 1, testpki.Now
	is, err := f.fx.CA.Issue(req)
	if err != nil {
		return nil, nil, err
	}
	return is.Cert, f.fx.CA.Intermediates(), nil
}

func (f *fakeRemote) FetchCRL([]*x509.Certificate) (*x509.RevocationList, []byte, error) {
	res, err := f.fx.CA.GenerateCRL(ca.CRLOptions{Now: testpki.Now})
	if err != nil {
		return nil, nil, err
	}
	l, err := x509.ParseRevocationList(res.Signed.DER())
	return l, res.Signed.PEM(), err
}

func (f *fakeRemote) RootCRL(now time.Time) ([]byte, error) {
	if !f.rootKey {
		return nil, ErrNoRootKey
	}
	res, err := f.fx.CA.Parent.GenerateCRL(ca.CRLOptions{Now: now})
	if err != nil {
		return nil, err
	}
	return res.Signed.PEM(), nil
}

func (f *fakeRemote) Record() []byte {
	return ca.StepRecord{URL: f.Name(), RootSHA256: strings.Repeat("ab", 32), Provisioner: "admin"}.Marshal()
}

func remoteFixture(t *testing.T) (*fixture, *fakeRemote, Options) {
	t.Helper()
	fx := newFixture(t)
	for _, x := range fx.CA.CAs() {
		if err := x.Unlock(nil); err != nil {
			t.Fatal(err)
		}
	}
	rm := &fakeRemote{fx: fx}
	o := fx.options(t)
	o.OpenCA = nil
	o.Remote = rm
	return fx, rm, o
}

// crlIssuers lists the issuers of root.crl's CRLs, and each one's thisUpdate.
func crlIssuers(t *testing.T, fx *fixture) map[string]time.Time {
	t.Helper()
	lists, err := crl.ParseCRLs(fx.Read(t, "root.crl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, l := range lists {
		out[l.Issuer.CommonName] = l.ThisUpdate
	}
	return out
}

// TestRemoteRenew: with a Remote, a due certificate is renewed by it (same key),
// server.crt gets its chain, the record names it, the CA's newer CRL replaces
// the intermediate's in root.crl, and the root's CRL is kept (no root key).
func TestRemoteRenew(t *testing.T) {
	fx, rm, o := remoteFixture(t)
	before := crlIssuers(t, fx)
	rep, err := Renew(o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Action != ActionRenewed || rep.CADir != rm.Name() || !rep.Certificate.Renewed || rep.Certificate.Rekeyed {
		t.Fatalf("report %+v %+v", rep, rep.Certificate)
	}
	leaf := fx.Leaf(t, "server.crt")
	if leaf.Equal(fx.Old) || !keys.PublicKeysEqual(leaf.PublicKey, fx.Old.PublicKey) {
		t.Error("server.crt is not a renewal for the same key")
	}
	if !bytes.Equal(fx.Read(t, ca.DataDirFile), rm.Record()) {
		t.Errorf("record:\n%s", fx.Read(t, ca.DataDirFile))
	}
	after := crlIssuers(t, fx)
	if len(after) != 2 {
		t.Fatalf("root.crl holds %v", after)
	}
	for name, this := range after {
		fresh := this.Equal(testpki.Now.Truncate(time.Second))
		if isRoot := name == fx.CA.Root().Subject.CommonName; isRoot == fresh || (isRoot && !this.Equal(before[name])) {
			t.Errorf("CRL of %s: thisUpdate %s (before %s)", name, this, before[name])
		}
	}
}

// TestRemoteRootCRL: with the root's key at hand, a root CRL near its end is
// made anew; a Remote that fails leaves every file as it was; --rekey is refused.
func TestRemoteRootCRLAndFailures(t *testing.T) {
	fx, rm, o := remoteFixture(t)
	files := map[string][]byte{}
	for _, name := range []string{"server.crt", "server.key", "root.crl", ca.DataDirFile} {
		files[name] = fx.Read(t, name)
	}
	rm.renewErr = errors.New("the CA at https://ca.test:9000 did not answer")
	if _, err := Renew(o); err == nil || !strings.Contains(err.Error(), "ca.test") {
		t.Fatalf("a failing Remote: %v", err)
	}
	o.Rekey, rm.renewErr = true, nil
	if _, err := Renew(o); err == nil || !strings.Contains(err.Error(), "--rekey") {
		t.Fatalf("--rekey: %v", err)
	}
	for name, data := range files {
		if !bytes.Equal(fx.Read(t, name), data) {
			t.Errorf("%s changed by a refused run", name)
		}
	}
	o.Rekey, o.Force, rm.rootKey = false, true, true
	if _, err := Renew(o); err != nil {
		t.Fatal(err)
	}
	for name, this := range crlIssuers(t, fx) {
		if !this.Equal(testpki.Now.Truncate(time.Second)) {
			t.Errorf("CRL of %s not made anew with the root's key: %s", name, this)
		}
	}
}
