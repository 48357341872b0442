package probe_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"

	"github.com/pgcert/pgcert/pkg/probe"
)

func ExampleClientCertificate() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)

	tc, err := probe.ClientCertificate([]*x509.Certificate{cert}, key, "app.crt", "app.key")
	fmt.Println(len(tc.Certificate), err)
	_, err = probe.ClientCertificate([]*x509.Certificate{cert}, other, "app.crt", "other.key")
	fmt.Println(err)
	// Output:
	// 1 <nil>
	// other.key does not belong to the first certificate of app.crt (CN=app)
}
