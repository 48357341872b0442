// Package testdatadir builds PostgreSQL data directories for tests: the files that
// make a directory a data directory (PG_VERSION, global/pg_control), a
// postgresql.conf with ssl = on, and the SSL files pgcert check and pgcert renew
// read. The command line's tests and the tests of the libraries behind it start
// from the same directories, so that both judge one and the same setup.
//
// It lives apart from internal/testpki because a data directory bound to a CA needs
// pkg/ca, whose own tests import testpki.
package testdatadir

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Write writes data to dir/name with exactly mode, whatever the umask (the modes of
// a data directory's files are what pgcert checks), making missing parent
// directories 0755.
func Write(t testing.TB, dir, name string, data []byte, mode os.FileMode) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(mode), f.Close())
	if err != nil {
		t.Fatal(err)
	}
}

// layout makes a PostgreSQL 15 data directory 0700, as initdb does, owned by the
// test's user, whose postgresql.conf is conf.
func layout(t testing.TB, conf string) string {
	t.Helper()
	dir := t.TempDir()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = errors.Join(d.Chmod(0o700), d.Close())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "global"), 0o700); err != nil {
		t.Fatal(err)
	}
	Write(t, dir, "PG_VERSION", []byte("15\n"), 0o600)
	Write(t, dir, "global/pg_control", nil, 0o600)
	Write(t, dir, "postgresql.conf", []byte(conf), 0o600)
	return dir
}

// PKI is the hierarchy the check tests plant: a root, an intermediate, and a
// server certificate for db.example.com and 10.0.0.5 from the intermediate.
type PKI struct {
	Root, Inter, Server *testpki.Cert
}

// NewPKI makes a PKI, valid from an hour before testpki.Now for 365 days.
func NewPKI(t testing.TB) PKI {
	t.Helper()
	root := testpki.Root(t, "check root")
	inter := root.Intermediate(t, "check intermediate")
	return PKI{root, inter, inter.Server(t, "db.example.com", "10.0.0.5")}
}

// defaultHBA is the pg_hba.conf New writes when given no lines: local connections
// and SSL connections with passwords, a setup check has nothing to say about.
var defaultHBA = []string{"local all all trust", "hostssl all all 0.0.0.0/0 scram-sha-256"}

// New makes a PostgreSQL 15 data directory owned by the test's user, with ssl = on
// and the conf lines after it, the server certificate of p and its intermediate in
// server.crt (0644), its key in server.key (0600), and a pg_hba.conf of hba
// (local trust and hostssl scram-sha-256 when none). It returns the directory.
func New(t testing.TB, p PKI, conf []string, hba ...string) string {
	t.Helper()
	dir := layout(t, "ssl = on\n"+strings.Join(conf, "\n")+"\n")
	if len(hba) == 0 {
		hba = defaultHBA
	}
	Write(t, dir, "pg_hba.conf", []byte(strings.Join(hba, "\n")+"\n"), 0o600)
	Write(t, dir, "server.crt", testpki.Bundle(p.Server, p.Inter), 0o644)
	Write(t, dir, "server.key", p.Server.KeyPEM(t), 0o600)
	return dir
}

// Renewal is a data directory as pgcert init leaves it, bound to a CA made 900 days
// before testpki.Now, with a server certificate issued 800 days before it for 825
// days: due by renew's default rule (25 days left, renewal at 275).
type Renewal struct {
	// Dir is the data directory: ssl_ca_file root.crt, ssl_crl_file root.crl (the
	// CRLs of the intermediate and the root, made 10 days before testpki.Now),
	// server.crt with the intermediate and the root, server.key, and the CA's
	// binding file.
	Dir string
	// CADir is the CA's directory, outside Dir.
	CADir string
	// CA is the CA, with an intermediate.
	CA *ca.CA
	// Old is the server certificate the directory starts with, for db.example.com
	// and 10.0.0.5.
	Old *x509.Certificate
	// KeyPEM is server.key's content: the unencrypted PKCS#8 key of Old.
	KeyPEM []byte
}

// NewRenewal makes a Renewal whose postgresql.conf has the conf lines after
// pgcert's. hba, when given, is written as pg_hba.conf: the command line's renew
// checks the directory with pgcert check's rules, which read it, while the
// library's tests give a validator of their own and start without one.
func NewRenewal(t testing.TB, hba []string, conf ...string) *Renewal {
	t.Helper()
	caDir := filepath.Join(t.TempDir(), "ca")
	c, err := ca.Create(caDir, ca.CreateOptions{Intermediate: true, Now: testpki.Now.AddDate(0, 0, -900)})
	if err != nil {
		t.Fatal(err)
	}
	key := testpki.NewKey(t)
	sans, err := selfsign.HostSANs([]string{"db.example.com", "10.0.0.5"})
	if err != nil {
		t.Fatal(err)
	}
	is, err := c.Issue(ca.Request{Profile: selfsign.ServerLeaf, Subject: pkix.Name{CommonName: "db.example.com"}.ToRDNSequence(),
		SANs: sans, PublicKey: key.Public(), Days: 825, Now: testpki.Now.AddDate(0, 0, -800)})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		t.Fatal(err)
	}
	r := &Renewal{CADir: caDir, CA: c, Old: is.Cert, KeyPEM: keyPEM}
	dir := layout(t, "ssl = on\nssl_ca_file = 'root.crt'\nssl_crl_file = 'root.crl'\n"+strings.Join(conf, "\n")+"\n")
	if hba != nil {
		Write(t, dir, "pg_hba.conf", []byte(strings.Join(hba, "\n")+"\n"), 0o600)
	}
	Write(t, dir, "server.crt", ca.PEM(append([]*x509.Certificate{is.Cert}, c.Chain()...)...), 0o644)
	Write(t, dir, "server.key", keyPEM, 0o600)
	Write(t, dir, "root.crt", ca.PEM(c.Root()), 0o644)
	Write(t, dir, "root.crl", r.CACRLs(t, 0), 0o644)
	// Bound, as pgcert init leaves a data directory: renewals then change only the
	// SSL files (the binding tests start from an unbound one by removing it).
	Write(t, dir, ca.DataDirFile, c.Record().Marshal(), 0o644)
	if err := c.BindDataDir(dir); err != nil {
		t.Fatal(err)
	}
	r.Dir = dir
	return r
}

// CACRLs returns the PEM CRLs of the CA's intermediate and root, made 10 days
// before testpki.Now for days (0: pkg/crl's default), as root.crl holds them.
func (r *Renewal) CACRLs(t testing.TB, days int) []byte {
	t.Helper()
	var crls []byte
	for _, x := range r.CA.CAs() {
		res, err := x.GenerateCRL(ca.CRLOptions{Now: testpki.Now.AddDate(0, 0, -10), Days: days})
		if err != nil {
			t.Fatal(err)
		}
		crls = append(crls, res.Signed.PEM()...)
	}
	return crls
}

// Path is the path of name in the data directory.
func (r *Renewal) Path(name string) string { return filepath.Join(r.Dir, name) }

// Read returns the content of name in the data directory, failing the test when it
// cannot be read.
func (r *Renewal) Read(t testing.TB, name string) []byte {
	t.Helper()
	return testfs.Read(t, r.Path(name))
}

// Leaf is the first certificate of name in the data directory, failing the test
// when it holds none.
func (r *Renewal) Leaf(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	certs, err := chain.ParseCertificates(r.Read(t, name))
	if err != nil || len(certs) == 0 {
		t.Fatalf("%s: %v", name, err)
	}
	return certs[0]
}

// Leftovers lists the names in the data directory that start with prefix: what a
// run left behind (temporary files, journals, .prev copies).
func (r *Renewal) Leftovers(t testing.TB, prefix string) []string {
	t.Helper()
	var out []string
	for _, name := range testfs.Names(t, r.Dir) {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out
}

// renewed are the files of the data directory a renewal replaces.
var renewed = []string{"server.crt", "server.key", "root.crl"}

// Snapshot returns the contents of the files a renewal replaces (server.crt,
// server.key, root.crl) that exist now, for Unchanged to compare with after a
// run that must leave them alone.
func (r *Renewal) Snapshot(t testing.TB) map[string][]byte {
	t.Helper()
	before := map[string][]byte{}
	for _, n := range renewed {
		if data, err := os.ReadFile(r.Path(n)); err == nil {
			before[n] = data
		}
	}
	return before
}

// Unchanged reports an error, and lets the test go on, for each file of before
// whose content is no longer what it was.
func (r *Renewal) Unchanged(t testing.TB, before map[string][]byte) {
	t.Helper()
	for n, data := range before {
		if !bytes.Equal(r.Read(t, n), data) {
			t.Errorf("%s changed", n)
		}
	}
}
