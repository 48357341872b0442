package bootstrap_test

import (
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleReadRequest() {
	_, err := bootstrap.ReadRequest("server.req", []byte("hello\n"))
	fmt.Println(err)
	fmt.Println(err.(*hint.Error).Hints[0])
	// Output:
	// server.req: not a certificate request: neither PEM nor a DER certificate request
	// give the file pgcert req or openssl req -new wrote (-----BEGIN CERTIFICATE REQUEST-----)
}

func ExampleRequestKeyError() {
	err := bootstrap.RequestKeyError("server.req", &selfsign.KeyError{Reason: "RSA key of 1024 bits; 2048 or more needed"})
	fmt.Println(err)
	fmt.Println(bootstrap.RequestKeyError("server.req", os.ErrNotExist))
	// Output:
	// server.req: the request's key is too small: RSA key of 1024 bits; 2048 or more needed
	// <nil>
}

func ExampleRequestError() {
	_, err := selfsign.ParseSubject("/XX=db")
	fmt.Println(bootstrap.RequestError(err))
	// Output: invalid subject at "XX=db": unknown attribute type "XX"
}

func ExampleCheckWildcards() {
	sans, _ := selfsign.ParseSANs("DNS:*.com")
	fmt.Println(bootstrap.CheckWildcards(sans, false) != nil, bootstrap.CheckWildcards(sans, true))
	// Output: true <nil>
}

func ExampleCertificateFile() {
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	req, _ := selfsign.ParseRequest(der)
	certDER, _ := selfsign.SelfSign(req, key, 30, now, nil)
	data, err := bootstrap.CertificateFile(certDER, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(string(data), "Certificate:"), strings.Contains(string(data), "-----BEGIN CERTIFICATE-----"))
	// Output: true true
}

// signed self-signs a new request for db.example.com into dir/server.crt.
func signed(dir string) (*bootstrap.CertResult, error) {
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{}, nil)
	req, err := bootstrap.ReadRequest("server.req", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	if err != nil {
		return nil, err
	}
	return bootstrap.SignRequest(bootstrap.SignRequestOptions{
		Request: req, RequestPath: "server.req", Key: key, KeyPath: "server.key",
		Output: filepath.Join(dir, "server.crt"), Days: 30, Now: func() time.Time { return now },
	})
}

func ExampleSignRequest() {
	dir, _ := os.MkdirTemp("", "signreq")
	defer os.RemoveAll(dir)
	r, err := signed(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.File.Path), r.File.Mode, r.Certificate.SANs.Strings())
	// Output: server.crt 0644 [DNS:db.example.com]
}

func ExampleCertResult_WriteText() {
	dir, _ := os.MkdirTemp("", "signreq")
	defer os.RemoveAll(dir)
	r, err := signed(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	r.File.Path = filepath.Base(r.File.Path)
	if err := r.WriteText(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output: wrote server.crt: CN = db.example.com, names DNS:db.example.com, valid until 2026-03-31 12:00:00 UTC (30 days)
}
