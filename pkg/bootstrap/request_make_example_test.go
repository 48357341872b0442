package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleCheckRequestNames() {
	host, _ := selfsign.ParseSubject("/CN=db.example.com")
	org, _ := selfsign.ParseSubject("/O=Acme")
	fmt.Println(bootstrap.CheckRequestNames(host, selfsign.SANs{}, false))
	fmt.Println(bootstrap.CheckRequestNames(org, selfsign.SANs{}, false))
	// Output:
	// <nil>
	// the request names no host: its Common Name is not a host name and no --san was given
}

func ExampleMakeRequest() {
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, file, err := bootstrap.MakeRequest(key, subject, selfsign.SANs{}, false, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	req, _ := selfsign.ParseRequest(der)
	fmt.Println(req.Subject, strings.HasPrefix(string(file), "-----BEGIN CERTIFICATE REQUEST-----"))
	// Output: CN=db.example.com true
}

func ExampleRequestExistsHint() {
	err := bootstrap.RequestExistsHint(&fsutil.ExistsError{Path: "privkey.pem"}, true, "privkey.pem")
	fmt.Println(err)
	// Output: privkey.pem already exists
}

func ExampleRequestResult_WriteText() {
	dir, _ := os.MkdirTemp("", "req")
	defer os.RemoveAll(dir)
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	keyPEM, _ := keys.MarshalPKCS8PEM(key)
	subject, _ := selfsign.ParseSubject("/CN=db.example.com")
	der, file, _ := bootstrap.MakeRequest(key, subject, selfsign.SANs{}, false, nil)
	r, err := bootstrap.WriteRequest(bootstrap.RequestFiles{
		Request: der, RequestPEM: file, RequestPath: filepath.Join(dir, "server.req"),
		Key: key, KeyPEM: keyPEM, KeyPath: filepath.Join(dir, "privkey.pem"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(b.String(), dir+"/", ""))
	// Output:
	// wrote privkey.pem: ECDSA P-256 key, not encrypted, mode 0600
	// wrote server.req: subject CN = db.example.com, names DNS:db.example.com
}
