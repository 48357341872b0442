package crlscope

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"testing"
)

// FuzzCheck reads arbitrary issuing distribution point and CRL
// distribution points extensions: no panic, and a verdict that agrees with
// what ParseIDP read.
func FuzzCheck(f *testing.F) {
	issuer := []byte{0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 'r', 'o', 'o', 't'}
	uriIDP := []byte("\x30\x0c\xa0\x0a\xa0\x08\x86\x06http:x")
	uriCDP := []byte("\x30\x0c\x30\x0a\xa0\x08\xa0\x06\x86\x04http")
	f.Add(uriIDP, uriCDP, false)
	f.Add([]byte("\x30\x03\x81\x01\xff"), []byte{}, true)
	f.Add([]byte("\x30\x08\xa0\x06\xa1\x04\x30\x02\x06\x00"), uriCDP, false)
	f.Fuzz(func(t *testing.T, idp, cdp []byte, isCA bool) {
		l := &x509.RevocationList{RawIssuer: issuer, Extensions: []pkix.Extension{{Id: oidIssuingDistributionPoint, Critical: true, Value: idp}}}
		cert := &x509.Certificate{RawIssuer: issuer, IsCA: isCA, BasicConstraintsValid: true,
			Extensions: []pkix.Extension{{Id: oidCRLDistributionPoints, Value: cdp}}}
		p := ParseIDP(l)
		err := Check(l, cert)
		var se *Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("Check = %v, not a *Error", err)
		}
		if p == nil {
			if err != nil {
				t.Fatalf("Check = %v for an extension ParseIDP takes for none", err)
			}
			return
		}
		unusable := p.Invalid || p.IndirectCRL || p.OnlySomeReasons
		if se != nil && se.Unusable != unusable || se == nil && unusable {
			t.Fatalf("Check = %v for %+v", err, p)
		}
		if se != nil && se.DistributionPoint && !p.HasDistributionPoint {
			t.Fatalf("left out for a distribution point the CRL does not name: %+v", p)
		}
		if !p.HasDistributionPoint && !p.OnlyUserCerts && !p.OnlyCACerts && !p.OnlyAttributeCerts && !unusable && err != nil {
			t.Fatalf("an unrestricted CRL leaves the certificate out: %v", err)
		}
	})
}
