package chain_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"

	"github.com/pgcert/pgcert/pkg/chain"
)

func ExampleLoadRefusal() {
	// A self-signed certificate with a 1024-bit RSA key, as `openssl req -x509
	// -newkey rsa:1024` makes it.
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "db.example.com"},
		NotBefore: exampleNow, NotAfter: exampleNow.AddDate(1, 0, 0)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	certs := []chain.Input{{Cert: cert, File: "server.crt"}}

	reason, at := chain.LoadRefusal(certs, chain.DefaultSecurityLevel)
	fmt.Printf("could not load server certificate file \"server.crt\": %s (certificate %d)\n", reason, at+1)
	reason, _ = chain.LoadRefusal(certs, 1)
	fmt.Printf("at level 1: %q\n", reason)
	// Output:
	// could not load server certificate file "server.crt": ee key too small (certificate 1)
	// at level 1: ""
}
