package bootstrap_test

import (
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// ExampleNewPlan is init's whole job: plan the files for a data directory and a CA, then write
// them in one transaction.
func ExampleNewPlan() {
	dir, dd, c, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	plan, err := bootstrap.NewPlan(bootstrap.Options{
		DataDir: dd, CA: c, Hosts: []string{"db.example.com", "localhost"},
		Clients: []string{"alice"}, ClientsDir: filepath.Join(dir, "clients"),
		Days: 365, Configure: true, Now: func() time.Time { return now }, CRLs: makeCRLs,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("server.crt for", plan.Hosts)
	r, err := plan.Apply()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		fmt.Println(rel, f.Mode)
	}
	fmt.Println(strings.TrimPrefix(r.Clients[0].ConnString, "host=db.example.com ")[:20])
	// Output:
	// server.crt for [db.example.com localhost]
	// pgdata/server.key 0600
	// pgdata/server.crt 0644
	// pgdata/root.crt 0644
	// pgdata/root.crl 0644
	// pgdata/pgcert-ca.conf 0644
	// clients/alice/postgresql.crt 0644
	// clients/alice/postgresql.key 0600
	// clients/alice/root.crt 0644
	// pgdata/pgcert.conf 0600
	// pgdata/postgresql.conf.pgcert-bak 0600
	// pgdata/postgresql.conf 0600
	// pgdata/pg_hba.conf.pgcert-bak 0600
	// pgdata/pg_hba.conf 0600
	// sslmode=verify-full
}

func ExamplePlan_Apply() {
	dir, dd, c, err := fixture(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	plan, err := bootstrap.NewPlan(bootstrap.Options{DataDir: dd, CA: c, Hosts: []string{"db.example.com"}, Days: 30, CRLs: makeCRLs,
		Now: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := plan.Apply()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Server.SANs, r.Server.NotAfter, len(r.Server.Files), r.CA.Intermediate != nil)
	// Output: DNS:db.example.com 2026-03-31T12:00:00Z 2 true
}

func ExampleDirOwner() {
	// Not root, or a directory root owns: files keep the invoking user.
	dir, _ := os.MkdirTemp("", "owner")
	defer os.RemoveAll(dir)
	_, _, ok := bootstrap.DirOwner(dir)
	fmt.Println(ok)
	// Output: false
}

func ExampleCheckConfigurable() {
	dir, dd, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// An unterminated quote: the server would not start, pgcert edits nothing.
	os.WriteFile(dd.ConfigFile, []byte("listen_addresses = '*\n"), 0o600)
	_, err = bootstrap.CheckConfigurable(dd)
	var ce *bootstrap.ConfigError
	fmt.Println(errors.As(err, &ce), filepath.Base(ce.File))
	// Output: true postgresql.conf
}

func ExampleConfLines() {
	conf, hba, err := bootstrap.ConfLines(&pgdata.DataDir{Version: pgdata.Version{Major: 15}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(conf[0])
	fmt.Println(len(hba) > 0)
	// Output:
	// ssl = on
	// true
}

func ExampleConfigurable() {
	fmt.Println(bootstrap.Configurable(&pgdata.DataDir{Dir: "/tmp/new"}))
	// Output: false
}

func ExampleWhatConfigureWrites() {
	dir, dd, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	e, err := bootstrap.WhatConfigureWrites(dd, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(e.PgcertConf), filepath.Base(e.ConfigFile), filepath.Base(e.HBAFile), e.ServerConfig)
	// Output: pgcert.conf postgresql.conf pg_hba.conf true
}

func ExampleEnsureDataDir() {
	dir, _ := os.MkdirTemp("", "ensure")
	defer os.RemoveAll(dir)
	created, err := bootstrap.EnsureDataDir(filepath.Join(dir, "pgdata"))
	fmt.Println(created, err)
	created, err = bootstrap.EnsureDataDir(filepath.Join(dir, "pgdata"))
	fmt.Println(created, err)
	// Output:
	// true <nil>
	// false <nil>
}

func ExamplePreviousHosts() {
	dir, dd, c, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	plan, _ := bootstrap.NewPlan(bootstrap.Options{DataDir: dd, CA: c, Hosts: []string{"db.example.com", "10.0.0.5"}, Days: 30, CRLs: makeCRLs,
		Now: func() time.Time { return now }})
	if _, err := plan.Apply(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bootstrap.PreviousHosts(filepath.Join(dd.Dir, bootstrap.ServerCrtName), c))
	// Output: [db.example.com 10.0.0.5]
}

func ExampleTargets() {
	for _, p := range bootstrap.Targets("/pgdata", "/ca/clients", []string{"alice"}, false) {
		fmt.Println(p)
	}
	// Output:
	// /pgdata/server.key
	// /pgdata/server.crt
	// /pgdata/root.crt
	// /pgdata/root.crl
	// /ca/clients/alice/postgresql.crt
	// /ca/clients/alice/postgresql.key
	// /ca/clients/alice/root.crt
}

func ExampleCheckTargets() {
	dir, _ := os.MkdirTemp("", "targets")
	defer os.RemoveAll(dir)
	key := filepath.Join(dir, "server.key")
	os.WriteFile(key, nil, 0o600)
	targets := []string{filepath.Join(dir, "server.crt"), key}
	err := bootstrap.CheckTargets(targets, false)
	fmt.Println(strings.ReplaceAll(err.Error(), dir, "DIR"))
	fmt.Println(bootstrap.CheckTargets(targets, true))
	// Output:
	// bootstrap: DIR/server.key already exists
	// <nil>
}

func ExampleServerChain() {
	dir, dd, c, err := fixture(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	plan, err := bootstrap.NewPlan(bootstrap.Options{DataDir: dd, CA: c, Hosts: []string{"db.example.com"}, Days: 30, CRLs: makeCRLs,
		Now: func() time.Time { return now }})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Leaf, intermediate, root; without the root.
	fmt.Println(strings.Count(string(bootstrap.ServerChain(c, plan.Server.Cert, false)), "BEGIN CERTIFICATE"))
	fmt.Println(strings.Count(string(bootstrap.ServerChain(c, plan.Server.Cert, true)), "BEGIN CERTIFICATE"))
	// Output:
	// 3
	// 2
}

func ExampleClientPaths() {
	fmt.Println(bootstrap.ClientPaths("/home/alice/.postgresql", true))
	// Output: [/home/alice/.postgresql/postgresql.crt /home/alice/.postgresql/postgresql.key /home/alice/.postgresql/root.crt /home/alice/.postgresql/postgresql.pk8]
}

func ExampleConnValue() {
	fmt.Println(bootstrap.ConnValue("/home/alice/.postgresql/root.crt"))
	fmt.Println(bootstrap.ConnValue("/mnt/my certs/root.crt"))
	// Output:
	// /home/alice/.postgresql/root.crt
	// '/mnt/my certs/root.crt'
}

func ExampleWriteSelfSigned() {
	dir, dd, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	r, err := bootstrap.WriteSelfSigned(bootstrap.SelfSignedOptions{
		DataDir: dd, Hosts: []string{"db.example.com", "localhost"}, Days: 825, Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Files {
		fmt.Println(filepath.Base(f.Path), f.Mode)
	}
	fmt.Println(r.Certificate.SANs.Strings(), r.ConfLines, r.AlreadyOn)
	// Output:
	// server.key 0600
	// server.crt 0644
	// [DNS:db.example.com DNS:localhost] [ssl = on] false
}

func ExampleSSLConfLines() {
	dir, dd, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// Debian names its snakeoil certificate: pgcert's files need their own lines.
	os.WriteFile(dd.ConfigFile, []byte("ssl = on\nssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'\n"), 0o600)
	lines, on := bootstrap.SSLConfLines(dd, filepath.Join(dd.Dir, "server.key"), filepath.Join(dd.Dir, "server.crt"))
	fmt.Println(lines, on)
	os.WriteFile(dd.ConfigFile, []byte("ssl = on\n"), 0o600)
	lines, on = bootstrap.SSLConfLines(dd, filepath.Join(dd.Dir, "server.key"), filepath.Join(dd.Dir, "server.crt"))
	fmt.Println(lines, on)
	// Output:
	// [ssl = on ssl_cert_file = 'server.crt'] false
	// [ssl = on] true
}

func ExampleWriteKey() {
	dir, _ := os.MkdirTemp("", "key")
	defer os.RemoveAll(dir)
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	data, _ := keys.MarshalPKCS8PEM(key)
	r, err := bootstrap.WriteKey(filepath.Join(dir, "server.key"), key, data, false, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.File.Path), r.File.Mode, r.Key.Algorithm, r.Key.Encrypted)
	// Output: server.key 0600 ECDSA false
}

func ExampleWriteRequest() {
	dir, _ := os.MkdirTemp("", "req")
	defer os.RemoveAll(dir)
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	keyPEM, _ := keys.MarshalPKCS8PEM(key)
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	r, err := bootstrap.WriteRequest(bootstrap.RequestFiles{
		Request: der, RequestPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
		RequestPath: filepath.Join(dir, "server.req"),
		Key:         key, KeyPEM: keyPEM, KeyPath: filepath.Join(dir, "privkey.pem"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.KeyFile.Path), r.KeyFile.Mode, filepath.Base(r.RequestFile.Path), r.RequestFile.Mode)
	fmt.Println(r.Request.SANs.Strings())
	// Output:
	// privkey.pem 0600 server.req 0644
	// [DNS:db.example.com]
}

func ExampleWriteCertificate() {
	dir, _ := os.MkdirTemp("", "cert")
	defer os.RemoveAll(dir)
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	req, _ := selfsign.ParseRequest(der)
	certDER, err := selfsign.SelfSign(req, key, 30, now, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})
	r, err := bootstrap.WriteCertificate(filepath.Join(dir, "server.crt"), certDER, data, false, nil, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.File.Path), r.File.Mode, r.Certificate.SANs.Strings())
	// Output: server.crt 0644 [DNS:db.example.com]
}

func ExampleReplicationRules() {
	rules, err := bootstrap.ReplicationRules([]string{"replicator"}, pgdata.Version{Major: 15})
	if err != nil {
		panic(err)
	}
	for _, r := range rules {
		fmt.Println(strings.Join(strings.Fields(r.String()), " "))
	}
	// Output:
	// hostssl replication replicator 0.0.0.0/0 cert
	// hostssl replication replicator ::/0 cert
}

func ExamplePrimaryConninfo() {
	fmt.Println(bootstrap.PrimaryConninfo("db.example.com", "replicator", bootstrap.ClientPaths("/var/lib/postgresql/.postgresql", false)))
	// Output:
	// host=db.example.com user=replicator sslmode=verify-full sslcert=/var/lib/postgresql/.postgresql/postgresql.crt sslkey=/var/lib/postgresql/.postgresql/postgresql.key sslrootcert=/var/lib/postgresql/.postgresql/root.crt
}

func ExampleKeyResult_WriteText() {
	dir, _ := os.MkdirTemp("", "key")
	defer os.RemoveAll(dir)
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP384})
	data, _ := keys.MarshalPKCS8PEM(key)
	r, err := bootstrap.WriteKey(filepath.Join(dir, "server.key"), key, data, false, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r.File.Path = filepath.Base(r.File.Path)
	if err := r.WriteText(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output: wrote server.key: ECDSA P-384 key, not encrypted, mode 0600
}
