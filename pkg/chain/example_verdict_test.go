package chain_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
)

// exampleCert makes a certificate for the examples: a CA when parent is nil, else a
// server certificate for dns signed by parent.
func exampleCert(cn string, dns []string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, DNSNames: dns,
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage, tmpl.ExtKeyUsage = x509.KeyUsageCertSign|x509.KeyUsageCRLSign, nil
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return cert, key
}

func ExampleVerifyFile() {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	leaf, _ := exampleCert("db.example.com", []string{"db.example.com"}, root, rootKey)
	v, err := chain.VerifyFile("server.crt", []chain.Input{{Cert: leaf, File: "server.crt"}}, chain.VerifyOptions{
		Now:     time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Roots:   []chain.Input{{Cert: root, File: "root.crt"}},
		Purpose: chain.PurposeServer,
	}, []string{"db.example.com", "db2.example.com"})
	if err != nil {
		panic(err)
	}
	fmt.Println("chain verified:", v.Err == nil, v.Purpose.Verifier())
	for _, h := range v.Hosts {
		if h.Err != nil {
			fmt.Println(h.Host+":", h.Err.Message)
			continue
		}
		fmt.Println(h.Host + ": ok")
	}
	fmt.Println("ok:", v.OK())
	// Output:
	// chain verified: true as libpq checks the server (sslmode=verify-ca or verify-full)
	// db.example.com: ok
	// db2.example.com: server certificate for "db.example.com" does not match host name "db2.example.com"
	// ok: false
}

func ExamplePeerWords() {
	client, server := chain.PeerWords(chain.PurposeServer, chain.CertHasExpired)
	fmt.Println("psql:  ", client)
	fmt.Println("server:", server)
	// Output:
	// psql:   SSL error: certificate verify failed
	// server: could not accept SSL connection: sslv3 alert certificate expired
}
