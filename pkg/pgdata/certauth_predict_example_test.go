package pgdata_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"os"

	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/style"
)

// clientCert makes a client certificate whose Common Name is cn.
func clientCert(cn string) *x509.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

func ExamplePredictCertAuth() {
	ident := []byte("# MAPNAME SYSTEM-USERNAME PG-USERNAME\napps app1.example.com app\n")
	o := pgdata.CertAuthOptions{Role: "app", ClientName: "CN", Map: "apps"}
	check, warnings, err := pgdata.PredictCertAuth(clientCert("app1.example.com"), o, "pg_ident.conf", ident)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(warnings), check.OK)
	o.Map = "other"
	_, warnings, _ = pgdata.PredictCertAuth(clientCert("app1.example.com"), o, "pg_ident.conf", ident)
	fmt.Println(warnings[0])
	check.WriteText(os.Stdout, style.Plain)
	// Output:
	// 0 true
	// pg_ident.conf has no line of the map other: the server lets no certificate through it
	// cert login as app: ok, its Common Name through map apps "app1.example.com"
}
