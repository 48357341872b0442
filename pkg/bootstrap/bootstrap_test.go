package bootstrap_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func setup(t *testing.T, intermediate bool) (string, *pgdata.DataDir, *ca.CA) {
	t.Helper()
	dir, dd, c, err := fixture(intermediate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir, dd, c
}

func options(dir string, dd *pgdata.DataDir, c *ca.CA) bootstrap.Options {
	return bootstrap.Options{
		DataDir: dd, CA: c, Hosts: []string{"db.example.com", "10.0.0.5"}, Days: 365,
		ClientsDir: filepath.Join(dir, "clients"), Now: func() time.Time { return now }, CRLs: makeCRLs,
	}
}

func apply(t *testing.T, o bootstrap.Options) *bootstrap.Result {
	t.Helper()
	plan, err := bootstrap.NewPlan(o)
	if err != nil {
		t.Fatal(err)
	}
	r, err := plan.Apply()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestApplyWritesEverything: the server's files, the clients' bundles with their
// connection strings, modes as the server and libpq require.
func TestApplyWritesEverything(t *testing.T) {
	dir, dd, c := setup(t, true)
	o := options(dir, dd, c)
	o.Clients = []string{"alice", "bob o'hara"}
	o.PK8 = true
	r := apply(t, o)
	want := map[string]string{
		"pgdata/server.key": "0600", "pgdata/server.crt": "0644", "pgdata/root.crt": "0644", "pgdata/root.crl": "0644",
		"pgdata/pgcert-ca.conf":        "0644",
		"clients/alice/postgresql.key": "0600", "clients/alice/postgresql.pk8": "0600", "clients/alice/postgresql.crt": "0644",
		"clients/bob o'hara/root.crt": "0644",
	}
	got := map[string]string{}
	for _, f := range r.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		got[rel] = f.Mode
	}
	for p, mode := range want {
		if got[p] != mode {
			t.Errorf("%s: mode %q, want %s", p, got[p], mode)
		}
	}
	if len(r.Files) != 5+2*4 || len(r.Server.Files) != 2 || len(r.Clients) != 2 || len(r.Clients[1].Files) != 4 {
		t.Fatalf("files %d, server files %d, clients %d", len(r.Files), len(r.Server.Files), len(r.Clients))
	}
	bob := filepath.Join(dir, "clients", "bob o'hara")
	q := strings.ReplaceAll(bob, "'", `\'`)
	wantCS := "host=db.example.com sslmode=verify-full sslcert='" + q + `/postgresql.crt' sslkey='` + q + `/postgresql.key' sslrootcert='` + q + `/root.crt' user='bob o\'hara'`
	if r.Clients[1].ConnString != wantCS {
		t.Errorf("connection string\n%s\nwant\n%s", r.Clients[1].ConnString, wantCS)
	}
	if fi, err := os.Stat(bob); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("bundle directory: %v %v", fi.Mode(), err)
	}
	chain, _ := os.ReadFile(filepath.Join(dd.Dir, "server.crt"))
	if n := bytes.Count(chain, []byte("BEGIN CERTIFICATE")); n != 3 {
		t.Errorf("server.crt holds %d certificates, want leaf, intermediate and root", n)
	}
	if r.Server.SANs != "DNS:db.example.com,IP:10.0.0.5" || r.Server.Subject != "CN = db.example.com" {
		t.Errorf("server: %+v", r.Server)
	}
	if r.Configured || len(r.PostgresqlConf) == 0 || len(r.PgHBAConf) == 0 {
		t.Errorf("configuration: %+v", r)
	}
}

// TestResultJSON: the document keeps the names and order of pgcert init --json.
func TestResultJSON(t *testing.T) {
	dir, dd, c := setup(t, false)
	data, err := json.Marshal(apply(t, options(dir, dd, c)))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	want := "data_directory is_data_directory version version_assumed ca server crls clients files postgresql_conf pg_hba_conf configured"
	if strings.Join(keys, " ") != want {
		t.Errorf("keys %q, want %q", keys, want)
	}
	if !bytes.Contains(data, []byte(`"clients":[]`)) || !bytes.Contains(data, []byte(`"version":"15"`)) {
		t.Errorf("document: %s", data)
	}
}

// TestApplyAllOrNothing: when one file cannot be written, none is.
func TestApplyAllOrNothing(t *testing.T) {
	dir, dd, c := setup(t, false)
	o := options(dir, dd, c)
	o.Configure = true
	plan, err := bootstrap.NewPlan(o)
	if err != nil {
		t.Fatal(err)
	}
	conf, _ := os.ReadFile(dd.ConfigFile)
	if err := os.Mkdir(filepath.Join(dd.Dir, "root.crl"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Apply(); err == nil {
		t.Fatal("Apply wrote over a directory")
	}
	for _, name := range []string{"server.key", "server.crt", "root.crt", "pgcert.conf", "postgresql.conf.pgcert-bak"} {
		if _, err := os.Lstat(filepath.Join(dd.Dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
	if after, _ := os.ReadFile(dd.ConfigFile); !bytes.Equal(after, conf) {
		t.Error("postgresql.conf changed")
	}
}

// TestConfigure: the include line and the hostssl lines are added once, with
// backups; a second run changes nothing but pgcert.conf.
func TestConfigure(t *testing.T) {
	dir, dd, c := setup(t, false)
	o := options(dir, dd, c)
	o.Configure = true
	r := apply(t, o)
	if !r.Configured || r.Configuration.ConfigFile != dd.ConfigFile || !r.Configuration.ServerConfig ||
		r.Configuration.HBAFile != filepath.Join(dd.Dir, "pg_hba.conf") {
		t.Fatalf("configuration: %+v", r.Configuration)
	}
	conf, _ := os.ReadFile(dd.ConfigFile)
	hba, _ := os.ReadFile(filepath.Join(dd.Dir, "pg_hba.conf"))
	if !bytes.Contains(conf, []byte("include_if_exists 'pgcert.conf'")) || !bytes.Contains(hba, []byte("hostssl")) {
		t.Fatalf("postgresql.conf:\n%s\npg_hba.conf:\n%s", conf, hba)
	}
	if bak, _ := os.ReadFile(dd.ConfigFile + bootstrap.BackupSuffix); string(bak) != "listen_addresses = '*'\n" {
		t.Errorf("backup: %q", bak)
	}
	o.Force = true
	e, err := bootstrap.WhatConfigureWrites(dd, nil)
	if err != nil || e.ConfigFile != "" || e.HBAFile != "" {
		t.Errorf("after configuring: %+v %v", e, err)
	}
	r = apply(t, o)
	if len(r.Files) != 6 {
		t.Errorf("rerun wrote %d files, want the 4 SSL files, the CA record and pgcert.conf", len(r.Files))
	}
	if again, _ := os.ReadFile(dd.ConfigFile); !bytes.Equal(again, conf) {
		t.Error("the rerun edited postgresql.conf again")
	}
}

// TestConfigureWithoutPostgresqlConf: a directory that is not a data directory
// yet gets pgcert.conf only, the admin is told, and nothing claims the server is
// configured.
func TestConfigureWithoutPostgresqlConf(t *testing.T) {
	dir, _, c := setup(t, false)
	empty := filepath.Join(dir, "new")
	if created, err := bootstrap.EnsureDataDir(empty); !created || err != nil {
		t.Fatal(created, err)
	}
	dd, err := pgdata.Inspect(empty)
	if err != nil {
		t.Fatal(err)
	}
	if bootstrap.Configurable(dd) {
		t.Error("a directory without postgresql.conf is configurable")
	}
	rec := &testnotify.Recorder{}
	o := options(dir, dd, c)
	o.Configure, o.Reporter = true, rec
	r := apply(t, o)
	if r.Configuration.ServerConfig || r.Configuration.PgcertConf != filepath.Join(empty, "pgcert.conf") {
		t.Errorf("configuration: %+v", r.Configuration)
	}
	if len(rec.Lines) != 1 || !strings.Contains(rec.Lines[0], "has no postgresql.conf: wrote "+filepath.Join(empty, "pgcert.conf")+" only") {
		t.Errorf("reported %q", rec.Lines)
	}
	if _, err := os.Stat(filepath.Join(empty, "postgresql.conf")); err == nil {
		t.Error("a postgresql.conf was made")
	}
}

// TestConfigureEditsLinkTarget: a postgresql.conf that is a symbolic link is
// edited where it points, and the link stays.
func TestConfigureEditsLinkTarget(t *testing.T) {
	dir, dd, c := setup(t, false)
	target := filepath.Join(dir, "etc-postgresql.conf")
	os.Rename(dd.ConfigFile, target)
	os.Symlink(target, dd.ConfigFile)
	rec := &testnotify.Recorder{}
	o := options(dir, dd, c)
	o.Configure, o.Reporter = true, rec
	apply(t, o)
	if fi, err := os.Lstat(dd.ConfigFile); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced")
	}
	if data, _ := os.ReadFile(target); !bytes.Contains(data, []byte("include_if_exists")) {
		t.Error("the target was not edited")
	}
	if _, err := os.Stat(target + bootstrap.BackupSuffix); err != nil {
		t.Error("no backup beside the target")
	}
	if len(rec.Lines) == 0 || !strings.Contains(rec.Lines[0], "is a symbolic link: editing its target") {
		t.Errorf("reported %q", rec.Lines)
	}
}

// TestOwner: files in the data directory take the owner the Owner function
// gives; client bundles do not.
func TestOwner(t *testing.T) {
	dir, dd, c := setup(t, false)
	o := options(dir, dd, c)
	o.Clients = []string{"alice"}
	var asked []string
	uid, gid := os.Getuid(), os.Getgid()
	o.Owner = func(d string) (int, int, bool) { asked = append(asked, d); return uid, gid, true }
	apply(t, o)
	if len(asked) != 5 || asked[0] != dd.Dir {
		t.Errorf("owner asked for %q, want the data directory for its 5 files (with the CA record)", asked)
	}
}

// TestPlanRefusals: a plan needs its inputs, and a CA with its root.
func TestPlanRefusals(t *testing.T) {
	dir, dd, c := setup(t, false)
	o := options(dir, dd, c)
	o.Hosts = nil
	if _, err := bootstrap.NewPlan(o); err == nil {
		t.Error("no hosts: no error")
	}
	o = options(dir, dd, c)
	o.Days = 0
	if _, err := bootstrap.NewPlan(o); err == nil {
		t.Error("0 days: no error")
	}
}

// TestCheckTargets: a directory is refused even with force; a link is named with
// its target; the others are counted.
func TestCheckTargets(t *testing.T) {
	dir := t.TempDir()
	a, b, d := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "d")
	os.Symlink("/etc/passwd", a)
	os.WriteFile(b, nil, 0o600)
	err := bootstrap.CheckTargets([]string{a, b, filepath.Join(dir, "none")}, false)
	te, ok := err.(*bootstrap.TargetError)
	if !ok || te.Path != a || te.LinkTarget != "/etc/passwd" || te.Others != 1 || te.Dir {
		t.Fatalf("%#v", err)
	}
	os.Mkdir(d, 0o700)
	err = bootstrap.CheckTargets([]string{a, d}, true)
	if te, ok := err.(*bootstrap.TargetError); !ok || !te.Dir || te.Path != d {
		t.Fatalf("%#v", err)
	}
}

// TestWriteSelfSigned: both files or neither; a Common Name that cannot be one is a
// *selfsign.SubjectError, and nothing is written.
func TestWriteSelfSigned(t *testing.T) {
	_, dd, _ := setup(t, false)
	o := bootstrap.SelfSignedOptions{DataDir: dd, Hosts: []string{"db.example.com"}, Days: 30, Now: func() time.Time { return now }}
	if err := os.Mkdir(filepath.Join(dd.Dir, "server.crt"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := bootstrap.WriteSelfSigned(o); err == nil {
		t.Fatal("wrote over a directory")
	}
	if _, err := os.Stat(filepath.Join(dd.Dir, "server.key")); err == nil {
		t.Error("server.key written without server.crt")
	}
	os.Remove(filepath.Join(dd.Dir, "server.crt"))
	o.Hosts = []string{strings.Repeat("a", 63) + "." + strings.Repeat("b", 10)}
	_, err := bootstrap.WriteSelfSigned(o)
	var se *selfsign.SubjectError
	if !errors.As(err, &se) {
		t.Fatalf("a 74-byte Common Name: %v", err)
	}
	o.Hosts = []string{"db.example.com"}
	var text []byte
	o.CertFile = func(der []byte) ([]byte, error) { text = []byte("text\n"); return append(text, der...), nil }
	r, err := bootstrap.WriteSelfSigned(o)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dd.Dir, "server.crt")); !bytes.HasPrefix(data, text) || len(r.Written) != 2 {
		t.Error("CertFile was not used")
	}
}

// TestWriteRequestBothOrNeither: a request that cannot be written leaves no new key
// behind; an existing key (no KeyPEM) is not written at all.
func TestWriteRequestBothOrNeither(t *testing.T) {
	dir := t.TempDir()
	key, err := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := keys.MarshalPKCS8PEM(key)
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, err := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqPath, keyPath := filepath.Join(dir, "server.req"), filepath.Join(dir, "privkey.pem")
	os.WriteFile(reqPath, []byte("old"), 0o644)
	rf := bootstrap.RequestFiles{Request: der, RequestPEM: []byte("new"), RequestPath: reqPath, Key: key, KeyPEM: keyPEM, KeyPath: keyPath}
	if _, err := bootstrap.WriteRequest(rf); err == nil {
		t.Fatal("replaced a request without Force")
	}
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("the key was written without its request")
	}
	rf.Force, rf.KeyPEM = true, nil
	r, err := bootstrap.WriteRequest(rf)
	if err != nil {
		t.Fatal(err)
	}
	if r.KeyFile != nil || r.Key != nil || r.RequestFile == nil || len(r.Written) != 1 {
		t.Errorf("result: %+v", r)
	}
}
