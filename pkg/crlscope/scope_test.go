package crlscope_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/pkg/crlscope"
)

// scopeCA is a CA that issues certificates and CRLs with chosen distribution
// point extensions.
type scopeCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newScopeCA(t testing.TB, name string) *scopeCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &scopeCA{cert: cert, key: key}
}

// issue returns a certificate naming uris as its CRL distribution points (Go
// writes them as full names), with extra extensions.
func (c *scopeCA) issue(t testing.TB, isCA bool, uris []string, extra ...pkix.Extension) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "leaf"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		CRLDistributionPoints: uris, ExtraExtensions: extra,
		IsCA: isCA, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &c.key.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// crl returns a CRL of c carrying idp (DER of an IssuingDistributionPoint) as
// a critical extension, or none when idp is nil.
func (c *scopeCA) crl(t testing.TB, idp []byte) *x509.RevocationList {
	t.Helper()
	tmpl := &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(time.Hour)}
	if idp != nil {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: idp}}
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, c.cert, c.key)
	if err != nil {
		t.Fatal(err)
	}
	l, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// idpDER builds an IssuingDistributionPoint: dp, when not nil, adds the
// distributionPoint field's content (a DistributionPointName); flags adds
// BOOLEAN TRUE fields by their tag number (1 onlyContainsUserCerts, 2
// onlyContainsCACerts, 4 indirectCRL, 5 onlyContainsAttributeCerts).
func idpDER(dp func(*cryptobyte.Builder), flags ...int) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if dp != nil {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), dp)
		}
		for _, f := range flags {
			b.AddASN1(cbasn1.Tag(f).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0xff) })
		}
	})
	return b.BytesOrPanic()
}

// fullURIs is a DistributionPointName of full names that are URIs.
func fullURIs(uris ...string) func(*cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			for _, u := range uris {
				b.AddASN1(cbasn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(u)) })
			}
		})
	}
}

// relativeCN is a DistributionPointName relative to the CRL issuer: one CN.
func relativeCN(cn string) func(*cryptobyte.Builder) {
	return func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 4, 3})
				b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(cn)) })
			})
		})
	}
}

// fullDN is a DistributionPointName of one directory name: issuer's name
// and a CN.
func fullDN(issuer []byte, cn string) func(*cryptobyte.Builder) {
	in := cryptobyte.String(issuer)
	var rdns cryptobyte.String
	if !in.ReadASN1(&rdns, cbasn1.SEQUENCE) {
		panic("issuer is not a Name")
	}
	return func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddBytes(rdns)
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 4, 3})
							b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(cn)) })
						})
					})
				})
			})
		})
	}
}

// cdpExt is a CRL distribution points extension of one point with the name
// dp (none when nil) and, when issuer is not nil, a cRLIssuer directory name.
func cdpExt(dp func(*cryptobyte.Builder), issuer []byte) pkix.Extension {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if dp != nil {
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), dp)
			}
			if issuer != nil {
				b.AddASN1(cbasn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(issuer) })
				})
			}
		})
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 31}, Value: b.BytesOrPanic()}
}

// scopeVerdict is what OpenSSL does with a CRL for a certificate.
type scopeVerdict int

const (
	inScope scopeVerdict = iota
	outsideScope
	unusableCRL
)

// scopeCase is a CRL's issuing distribution point (nil: none) and a
// certificate of its CA, with OpenSSL's verdict.
type scopeCase struct {
	idp  []byte
	cert *x509.Certificate
	want scopeVerdict
}

// scopeCases are the cases of Check, certificates and CRLs of ca.
func scopeCases(t *testing.T, ca *scopeCA) map[string]scopeCase {
	const uri = "https://ca.example.com/1.0/crl"
	other := newScopeCA(t, "Other CA")
	const (
		in       = inScope
		outside  = outsideScope
		unusable = unusableCRL
	)
	return map[string]scopeCase{
		"no idp, no cdp":                   {nil, ca.issue(t, false, nil), in},
		"idp without dp":                   {idpDER(nil), ca.issue(t, false, nil), in},
		"dp, no cdp":                       {idpDER(fullURIs(uri)), ca.issue(t, false, nil), outside},
		"dp, other cdp":                    {idpDER(fullURIs(uri)), ca.issue(t, false, []string{"http://elsewhere/crl"}), outside},
		"dp, matching cdp":                 {idpDER(fullURIs(uri)), ca.issue(t, false, []string{"http://elsewhere/crl", uri}), in},
		"dp of two uris, one matches":      {idpDER(fullURIs("ldap://x/", uri)), ca.issue(t, false, []string{uri}), in},
		"dp, uri differs in case":          {idpDER(fullURIs(uri)), ca.issue(t, false, []string{"https://CA.example.com/1.0/crl"}), outside},
		"dp, cdp point of crl issuer only": {idpDER(fullURIs(uri)), ca.issue(t, false, nil, cdpExt(nil, ca.cert.RawSubject)), in},
		"dp, cdp of another crl issuer":    {idpDER(fullURIs(uri)), ca.issue(t, false, nil, cdpExt(fullURIs(uri), other.cert.RawSubject)), outside},
		"dp, cdp naming its crl issuer":    {idpDER(fullURIs(uri)), ca.issue(t, false, nil, cdpExt(fullURIs(uri), ca.cert.RawSubject)), in},
		"relative dp, cdp of that dn":      {idpDER(relativeCN("crl1")), ca.issue(t, false, nil, cdpExt(fullDN(ca.cert.RawSubject, "crl1"), nil)), in},
		"relative dp, cdp of other dn":     {idpDER(relativeCN("crl1")), ca.issue(t, false, nil, cdpExt(fullDN(ca.cert.RawSubject, "crl2"), nil)), outside},
		"relative dp, uri cdp":             {idpDER(relativeCN("crl1")), ca.issue(t, false, []string{uri}), outside},
		"only user certs, leaf":            {idpDER(nil, 1), ca.issue(t, false, nil), in},
		"only user certs, ca":              {idpDER(nil, 1), ca.issue(t, true, nil), outside},
		"only ca certs, leaf":              {idpDER(nil, 2), ca.issue(t, false, nil), outside},
		"only ca certs, ca":                {idpDER(nil, 2), ca.issue(t, true, nil), in},
		"only attribute certs":             {idpDER(nil, 5), ca.issue(t, false, nil), outside},
		"indirect":                         {idpDER(nil, 4), ca.issue(t, false, nil), unusable},
		"two only flags":                   {idpDER(nil, 1, 2), ca.issue(t, false, nil), unusable},
		// OpenSSL 3 takes an extension it cannot decode for none.
		"not der": {[]byte{0x30, 0x05}, ca.issue(t, false, nil), in},
	}
}

func TestCheck(t *testing.T) {
	ca := newScopeCA(t, "Scope CA")
	for name, tc := range scopeCases(t, ca) {
		t.Run(name, func(t *testing.T) {
			err := crlscope.Check(ca.crl(t, tc.idp), tc.cert)
			var se *crlscope.Error
			got := inScope
			if errors.As(err, &se) {
				got = outsideScope
				if se.Unusable {
					got = unusableCRL
				}
			} else if err != nil {
				t.Fatalf("Check = %v, not a *Error", err)
			}
			if got != tc.want {
				t.Errorf("Check = %v, want verdict %d", err, tc.want)
			}
		})
	}
}

// TestCheckAgainstOpenSSL: openssl verify, checking the certificate's
// CRL as PostgreSQL does, agrees with every case of TestCheck: OK in
// scope, "different CRL scope" (44) out of it, "unable to get certificate
// CRL" (3) for a CRL it never uses.
func TestCheckAgainstOpenSSL(t *testing.T) {
	testenv.RequireOpenSSL(t)
	ca := newScopeCA(t, "Scope CA")
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	writePEM(t, caFile, "CERTIFICATE", ca.cert.Raw)
	for name, tc := range scopeCases(t, ca) {
		t.Run(name, func(t *testing.T) {
			crlFile, certFile := filepath.Join(dir, "crl.pem"), filepath.Join(dir, "cert.pem")
			writePEM(t, crlFile, "X509 CRL", ca.crl(t, tc.idp).Raw)
			writePEM(t, certFile, "CERTIFICATE", tc.cert.Raw)
			v := testenv.OpenSSLVerify(t, "-crl_check", "-CRLfile", crlFile, "-CAfile", caFile, certFile)
			want := map[scopeVerdict]int{inScope: 0, outsideScope: 44, unusableCRL: 3}[tc.want]
			if v.Code != want || (want == 0) != v.OK {
				t.Errorf("openssl verify: %s, want error %d", strings.TrimSpace(v.Output), want)
			}
		})
	}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseIDPAndMismatch(t *testing.T) {
	ca := newScopeCA(t, "Scope CA")
	const uri = "https://ca.example.com/1.0/crl"
	l := ca.crl(t, idpDER(fullURIs(uri)))
	p := crlscope.ParseIDP(l)
	if p == nil || !p.Critical || !p.HasDistributionPoint || len(p.URIs) != 1 || p.URIs[0] != uri || p.Name() != uri {
		t.Fatalf("ParseIDP = %+v", p)
	}
	if got := crlscope.Mismatch(l, ca.issue(t, false, nil)); got != uri {
		t.Errorf("Mismatch without a CDP = %q", got)
	}
	if got := crlscope.Mismatch(l, ca.issue(t, false, []string{uri})); got != "" {
		t.Errorf("Mismatch with the CDP = %q", got)
	}
	// Out of scope for another reason than the distribution point: not the
	// step-ca case Mismatch names.
	if got := crlscope.Mismatch(ca.crl(t, idpDER(fullURIs(uri), 2)), ca.issue(t, false, []string{uri})); got != "" {
		t.Errorf("Mismatch of an only-CA CRL = %q", got)
	}
	if crlscope.ParseIDP(ca.crl(t, nil)) != nil || crlscope.IDPURIs(ca.crl(t, nil)) != nil {
		t.Error("a CRL without the extension has an IDP")
	}
	if n := crlscope.ParseIDP(ca.crl(t, idpDER(relativeCN("x")))).Name(); n != "a distribution point named otherwise than by URI" {
		t.Errorf("Name of a relative name = %q", n)
	}
}

// reasonsCDP is a CRL distribution points extension of points, each the URI
// uri with the reasons field's BIT STRING content reasons (none when nil).
func reasonsCDP(points ...struct {
	uri     string
	reasons []byte
}) pkix.Extension {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, p := range points {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), fullURIs(p.uri))
				if p.reasons != nil {
					b.AddASN1(cbasn1.Tag(1).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(p.reasons) })
				}
			})
		}
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 31}, Value: b.BytesOrPanic()}
}

func TestReasons(t *testing.T) {
	ca := newScopeCA(t, "Example CA")
	const a, b = "https://ca.example.com/a.crl", "https://ca.example.com/b.crl"
	type point = struct {
		uri     string
		reasons []byte
	}
	keyCompromise := []byte{6, 0x40}
	for name, tc := range map[string]struct {
		idp  []byte
		cert *x509.Certificate
		want uint16
	}{
		"no distribution points":                  {nil, ca.issue(t, false, nil), crlscope.AllReasons},
		"a point without reasons":                 {nil, ca.issue(t, false, []string{a}), crlscope.AllReasons},
		"a point with keyCompromise only":         {nil, ca.issue(t, false, nil, reasonsCDP(point{a, keyCompromise})), 0x40},
		"every reason, unused bits set":           {nil, ca.issue(t, false, nil, reasonsCDP(point{a, []byte{7, 0x7f, 0xff}})), crlscope.AllReasons},
		"an empty reasons field":                  {nil, ca.issue(t, false, nil, reasonsCDP(point{a, []byte{0}})), 0},
		"the point the CRL names":                 {idpDER(fullURIs(b)), ca.issue(t, false, nil, reasonsCDP(point{a, keyCompromise}, point{b, []byte{1, 0x02}})), 0x02},
		"the first point when the CRL names none": {idpDER(nil, 1), ca.issue(t, false, nil, reasonsCDP(point{a, keyCompromise}, point{b, nil})), 0x40},
	} {
		if got := crlscope.Reasons(ca.crl(t, tc.idp), tc.cert); got != tc.want {
			t.Errorf("%s: Reasons = %#x, want %#x", name, got, tc.want)
		}
	}
}
