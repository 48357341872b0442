package stepca_test

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
	"github.com/pgcert/pgcert/pkg/stepca"
)

func testSigner(t *testing.T, c *stepca.Client) *stepca.Signer {
	return &stepca.Signer{Ctx: context.Background(),
		Connect:      func() (*stepca.Client, error) { return c, nil },
		Provisioner:  func(*stepca.Client) (*stepca.Provisioner, error) { return provisioner(t, c), nil },
		DefaultCADir: func() (string, error) { return "/var/lib/pgcert/ca", nil }}
}

func TestSignerServerNames(t *testing.T) {
	c := connect(t, newFakeCA(t))
	s := testSigner(t, c)
	root, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	if !root.Cert.Equal(c.Root) || s.RootCertFile() != "" {
		t.Errorf("Open gave %s, root file %q", root.Cert.Subject, s.RootCertFile())
	}
	home, _ := s.Home()
	if home != "/var/lib/pgcert" {
		t.Errorf("Home = %s", home)
	}
	chain, is, err := s.Sign(ca.Order{Profile: selfsign.ServerLeaf, Names: []string{"[::1]", "db.example.com"}, Key: ecKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	if is.Cert.Subject.CommonName != "::1" || len(is.Cert.IPAddresses) != 1 || len(is.Cert.DNSNames) != 1 {
		t.Errorf("certificate for %s, %v, %v", is.Cert.Subject, is.Cert.IPAddresses, is.Cert.DNSNames)
	}
	if !chain.Root().Equal(c.Root) || chain.Cert.Equal(c.Root) {
		t.Errorf("the chain is not intermediate then root")
	}
}

func TestRenewClientRefusesRekey(t *testing.T) {
	_, err := stepca.RenewClient(context.Background(), stepca.RenewClientOptions{Role: "alice", Rekey: true,
		ReadFile: func(string) ([]byte, error) { t.Error("the bundle was read"); return nil, errors.New("no") }})
	if err == nil || !strings.HasPrefix(err.Error(), "--rekey does not apply with --ca-url") {
		t.Fatalf("err = %v", err)
	}
}

func TestRenewClientWritesBundle(t *testing.T) {
	c := connect(t, newFakeCA(t))
	ctx := context.Background()
	key := ecKey(t)
	is, err := c.Issue(ctx, stepca.Request{Provisioner: provisioner(t, c), Key: key, Subject: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "alice")
	pem := ca.PEM(append([]*x509.Certificate{is.Cert}, is.Intermediates...)...)
	var read, keyAt string
	r, err := stepca.RenewClient(ctx, stepca.RenewClientOptions{Role: "alice", Dir: dir,
		ReadFile: func(p string) ([]byte, error) { read = p; return pem, nil },
		Key:      func(p string) (*keys.Key, error) { keyAt = p; return &keys.Key{Signer: key}, nil },
		Connect:  func() (*stepca.Client, error) { return c, nil },
		Write:    ca.BundleWrite{Force: true, Mkdir: func(d string, _ ca.FileOwner) error { return os.MkdirAll(d, 0o700) }, Reporter: silentReporter{}},
		Owner:    func(string) ca.FileOwner { return ca.FileOwner{} }})
	if err != nil {
		t.Fatal(err)
	}
	if read != filepath.Join(dir, "postgresql.crt") || keyAt != filepath.Join(dir, "postgresql.key") {
		t.Errorf("read %s, key from %s", read, keyAt)
	}
	if r.OldSerial != ca.SerialHex(is.Cert.SerialNumber.Bytes()) || r.Serial == r.OldSerial || r.URL != c.URL || len(r.Files) != 3 {
		t.Errorf("renewal %+v", r)
	}
}

type silentReporter struct{}

func (silentReporter) Infof(string, ...any) {}
func (silentReporter) Warnf(string, ...any) {}
