package crlscope_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/pgcert/pgcert/pkg/crlscope"
)

// scopeExample returns a CRL whose issuing distribution point names
// https://ca.example.com/1.0/crl, as step-ca writes them, and two certificates
// of its CA: one without CRL distribution points, one naming that URI.
func scopeExample() (l *x509.RevocationList, bare, named *x509.Certificate) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Example CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	caCert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	issue := func(cdp []string) *x509.Certificate {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "alice"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), CRLDistributionPoints: cdp}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		return c
	}
	const uri = "https://ca.example.com/1.0/crl"
	// IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] uri } } }
	idp := append([]byte{0x30, byte(len(uri) + 6), 0xa0, byte(len(uri) + 4), 0xa0, byte(len(uri) + 2), 0x86, byte(len(uri))}, uri...)
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: idp}}}
	der, err = x509.CreateRevocationList(rand.Reader, tmpl, caCert, key)
	if err != nil {
		panic(err)
	}
	if l, err = x509.ParseRevocationList(der); err != nil {
		panic(err)
	}
	return l, issue(nil), issue([]string{uri})
}

func ExampleParseIDP() {
	l, _, _ := scopeExample()
	p := crlscope.ParseIDP(l)
	fmt.Println(p.Critical, p.HasDistributionPoint, p.OnlyUserCerts)
	// Output: true true false
}

func ExampleIDP_Name() {
	l, _, _ := scopeExample()
	fmt.Println(crlscope.ParseIDP(l).Name())
	// Output: https://ca.example.com/1.0/crl
}

func ExampleIDPURIs() {
	l, _, _ := scopeExample()
	fmt.Println(crlscope.IDPURIs(l))
	// Output: [https://ca.example.com/1.0/crl]
}

// A certificate without the CRL's distribution point is out of its scope:
// OpenSSL fails it with "different CRL scope".
func ExampleCheck() {
	l, bare, named := scopeExample()
	var se *crlscope.Error
	if err := crlscope.Check(l, bare); errors.As(err, &se) {
		fmt.Println(se.DistributionPoint, se.Unusable, se.URIs)
	}
	fmt.Println(crlscope.Check(l, named))
	// Output:
	// true false [https://ca.example.com/1.0/crl]
	// <nil>
}

func ExampleMismatch() {
	l, bare, named := scopeExample()
	fmt.Printf("%q\n", crlscope.Mismatch(l, bare))
	fmt.Printf("%q\n", crlscope.Mismatch(l, named))
	// Output:
	// "https://ca.example.com/1.0/crl"
	// ""
}

func ExampleError_Error() {
	l, bare, _ := scopeExample()
	fmt.Println(crlscope.Check(l, bare))
	// Output: crl: the CRL is for the distribution point https://ca.example.com/1.0/crl, which the certificate's CRL distribution points do not name
}

func ExampleReasons() {
	l, bare, named := scopeExample()
	// Neither certificate's distribution point limits the reasons, so the CRL
	// covers them all for the one in its scope.
	fmt.Printf("%v %#x\n", crlscope.Check(l, named) == nil, crlscope.Reasons(l, named))
	fmt.Println(crlscope.Check(l, bare) == nil)
	// Output:
	// true 0x807f
	// false
}
