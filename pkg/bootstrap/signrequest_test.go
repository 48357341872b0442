package bootstrap_test

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestSignRequestRefusesAnotherKey(t *testing.T) {
	dir := t.TempDir()
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	other, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	req, err := bootstrap.ReadRequest("r.req", der)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "server.crt")
	_, err = bootstrap.SignRequest(bootstrap.SignRequestOptions{
		Request: req, RequestPath: "r.req", Key: other, KeyPath: "k.key", Output: out, Days: 30,
		Now: func() time.Time { return now },
	})
	var he *hint.Error
	if !errors.As(err, &he) || err.Error() != "k.key does not match r.req: the request carries another public key" {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", out, err)
	}
}

func TestSignRequestKeepsAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "server.crt")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	req, _ := selfsign.ParseRequest(der)
	o := bootstrap.SignRequestOptions{Request: req, RequestPath: "r.req", Key: key, KeyPath: "k.key", Output: out, Days: 30, Text: true}
	var exists *fsutil.ExistsError
	if _, err := bootstrap.SignRequest(o); !errors.As(err, &exists) {
		t.Fatalf("err = %v, want an ExistsError", err)
	}
	o.Force = true
	r, err := bootstrap.SignRequest(o)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(data), "Certificate:") || r.Days != 30 {
		t.Errorf("file starts %.20q, days %d", data, r.Days)
	}
	if b, _ := pem.Decode(data[strings.Index(string(data), "-----BEGIN"):]); b == nil || b.Type != "CERTIFICATE" {
		t.Errorf("no CERTIFICATE block after the text")
	}
}

func TestReadRequestBadPEM(t *testing.T) {
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{0x30, 0x03, 1, 2, 3}})
	_, err := bootstrap.ReadRequest("x.req", data)
	if err == nil || !strings.HasPrefix(err.Error(), "x.req: not a certificate request: ") || strings.Contains(err.Error(), "neither PEM") {
		t.Fatalf("err = %v", err)
	}
}

func TestSelfSignedTextAlreadyOn(t *testing.T) {
	r := &bootstrap.SelfSignedResult{
		DataDirectory: "/pg", ConfigFile: "/etc/pg/postgresql.conf", AlreadyOn: true, Days: 1,
		Files:       []bootstrap.File{{Path: "/pg/server.key", Mode: "0600", Owner: "postgres", Group: "postgres"}},
		Certificate: &inspect.Certificate{NotAfter: now},
		ConfLines:   []string{"ssl = on"},
	}
	var info, conf strings.Builder
	if err := r.WriteText(&info, &conf); err != nil {
		t.Fatal(err)
	}
	want := "wrote /pg/server.key: mode 0600, owner postgres:postgres\n" +
		"certificate for (none), valid until 2026-03-01 12:00:00 UTC (1 day)\n" +
		"ssl is already on with these files: reload the server (pg_ctl reload, or SELECT pg_reload_conf()) to use them\n"
	if info.String() != want || conf.String() != "ssl = on\n" {
		t.Errorf("info:\n%s\nconf:\n%s", info.String(), conf.String())
	}
}

func TestEdDSASelfSignedHints(t *testing.T) {
	var he *hint.Error
	if !errors.As(bootstrap.ErrEdDSASelfSigned, &he) || len(he.Hints) != 2 || !strings.Contains(he.Hints[1], "--force writes it anyway") {
		t.Fatalf("%#v", bootstrap.ErrEdDSASelfSigned)
	}
}

func TestSummaryConfiguration(t *testing.T) {
	for _, c := range []struct {
		e    *bootstrap.ConfigureEffect
		want string
	}{
		{&bootstrap.ConfigureEffect{}, "pgcert.conf written (no postgresql.conf to include it from yet), the rest printed"},
		{&bootstrap.ConfigureEffect{ServerConfig: true}, "pgcert.conf written; postgresql.conf and pg_hba.conf already use it"},
		{&bootstrap.ConfigureEffect{ServerConfig: true, ConfigFile: "/pg/postgresql.conf", HBAFile: "/pg/pg_hba.conf"}, "pgcert.conf written, postgresql.conf and pg_hba.conf edited"},
	} {
		var b strings.Builder
		s := bootstrap.Summary{DataDir: t.TempDir(), CADir: "/ca", Key: keys.GenerateOptions{Type: keys.TypeRSA, Bits: 3072}, Configure: c.e}
		if err := s.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "  configuration   "+c.want+"\n") || !strings.Contains(b.String(), "RSA 3072 key") {
			t.Errorf("%+v:\n%s", c.e, b.String())
		}
	}
}
