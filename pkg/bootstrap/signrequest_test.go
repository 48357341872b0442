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
