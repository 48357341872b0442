package rotate

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// fixture is a data directory as pgcert init leaves it (ssl_ca_file root.crt,
// ssl_crl_file root.crl, server.crt with the intermediate and the root), with a CA
// made 900 days before testpki.Now and a server certificate issued 800 days before
// it for 825 days: due by the default rule (25 days left, renewal at 275).
type fixture struct {
	dir, caDir string
	ca         *ca.CA
	old        *x509.Certificate
	keyPEM     []byte
}

func newFixture(t testing.TB, conf ...string) *fixture {
	t.Helper()
	caDir := filepath.Join(t.TempDir(), "ca")
	c, err := ca.Create(caDir, ca.CreateOptions{Intermediate: true, Now: testpki.Now.AddDate(0, 0, -900)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o700)
	key := testpki.NewKey(t)
	sans, _ := selfsign.HostSANs([]string{"db.example.com", "10.0.0.5"})
	is, err := c.Issue(ca.Request{Profile: selfsign.ServerLeaf, Subject: cn("db.example.com"), SANs: sans,
		PublicKey: key.Public(), Days: 825, Now: testpki.Now.AddDate(0, 0, -800)})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := keys.MarshalPKCS8PEM(key)
	var crls []byte
	for _, x := range c.CAs() {
		res, err := x.GenerateCRL(ca.CRLOptions{Now: testpki.Now.AddDate(0, 0, -10)})
		if err != nil {
			t.Fatal(err)
		}
		crls = append(crls, res.Signed.PEM()...)
	}
	put(t, dir, "PG_VERSION", []byte("15\n"), 0o600)
	put(t, dir, "global/pg_control", nil, 0o600)
	put(t, dir, "postgresql.conf", []byte("ssl = on\nssl_ca_file = 'root.crt'\nssl_crl_file = 'root.crl'\n"+strings.Join(conf, "\n")+"\n"), 0o600)
	put(t, dir, "server.crt", ca.PEM(append([]*x509.Certificate{is.Cert}, c.Chain()...)...), 0o644)
	put(t, dir, "server.key", keyPEM, 0o600)
	put(t, dir, "root.crt", ca.PEM(c.Root()), 0o644)
	put(t, dir, "root.crl", crls, 0o644)
	// Bound, as pgcert init leaves a data directory: renewals then change only
	// the SSL files (binding_test.go starts from an unbound one).
	put(t, dir, ca.DataDirFile, c.Record().Marshal(), 0o644)
	if err := c.BindDataDir(dir); err != nil {
		t.Fatal(err)
	}
	return &fixture{dir: dir, caDir: caDir, ca: c, old: is.Cert, keyPEM: keyPEM}
}

func cn(name string) pkix.RDNSequence {
	return pkix.Name{CommonName: name}.ToRDNSequence()
}

// options are the Options of a run on the fixture at testpki.Now, with a validator
// that accepts everything.
func (fx *fixture) options(t testing.TB) Options {
	t.Helper()
	setup, err := pgdata.ReadSetup(fx.dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Setup:    setup,
		Now:      func() time.Time { return testpki.Now },
		OpenCA:   func() (*ca.CA, error) { return ca.Open(fx.caDir) },
		Validate: func(*pgdata.Setup, time.Time) ([]string, []string) { return nil, nil },
		Warn:     func(msg string) { t.Logf("warning: %s", msg) },
	}
}

func (fx *fixture) path(name string) string { return filepath.Join(fx.dir, name) }

func (fx *fixture) read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(fx.path(name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// leaf is the first certificate of a file of the data directory.
func (fx *fixture) leaf(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	certs, err := chain.ParseCertificates(fx.read(t, name))
	if err != nil || len(certs) == 0 {
		t.Fatalf("%s: %v", name, err)
	}
	return certs[0]
}

// leftovers lists what a run left in the data directory that starts with prefix.
func (fx *fixture) leftovers(t testing.TB, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(fx.dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func put(t testing.TB, dir, name string, data []byte, mode os.FileMode) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
