// Package testpki builds certificate hierarchies for tests: roots, intermediates,
// cross-signed CAs, server and client leaves and CRLs, with ECDSA P-256 keys so that a
// test can make dozens of them in a millisecond or two.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Now is the reference time of every certificate testpki makes unless told otherwise:
// the start of the current UTC day. It is fixed for the whole test process, so that
// tests comparing validity are reproducible, and it is today, so that certificates
// handed to real peers (openssl, PostgreSQL, psql, which use the real clock) are
// valid whenever the tests run — a fixed calendar date would make them expire one day.
var Now = time.Now().UTC().Truncate(24 * time.Hour)

// Date formats Now moved by d as a calendar date (2006-01-02), for tests that compare
// the dates pgcert prints.
func Date(d time.Duration) string { return Now.Add(d).Format(time.DateOnly) }

var serial atomic.Int64

// Cert is a certificate with its private key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// PEM returns the certificate as a PEM block.
func (c *Cert) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM returns the private key as a PKCS#8 PEM block.
func (c *Cert) KeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Template describes a certificate to make. Zero fields take defaults: a validity of
// Now-1h .. Now+365d, a fresh P-256 key, a leaf without EKU.
type Template struct {
	CN        string
	Subject   *pkix.Name // overrides CN when set
	DNS       []string
	IPs       []net.IP
	EKU       []x509.ExtKeyUsage
	IsCA      bool
	NoCAFlag  bool // with IsCA: keyCertSign but basicConstraints CA:false
	NoCertSig bool // with IsCA: CA:true but no keyCertSign
	MaxPath   int  // with IsCA: -1 for no limit (default), else the pathlen
	NotBefore time.Time
	NotAfter  time.Time
	Key       crypto.Signer // reuse a key (for cross-signing)
	Serial    *big.Int
	KeyUsage  x509.KeyUsage // overrides the default key usage when non-zero
	// SANs, when set, are written as the subjectAltName extension in this order, as
	// given (a DNS name may hold a NUL byte); DNS and IPs are then ignored.
	SANs []SAN
	// RawSubject, when set, is the DER subject name used as is, for string types and
	// orders Go's pkix.Name would not write.
	RawSubject      []byte
	ExtraExtensions []pkix.Extension
	// CRLDistributionPoints are URIs written as the certificate's CRL
	// distribution points.
	CRLDistributionPoints []string
}

// SAN is one subjectAltName entry: a dNSName or, when IP is set, an iPAddress of
// exactly the bytes of IP (use To4 for a 4-byte IPv4 address).
type SAN struct {
	DNS string
	IP  net.IP
}

// sanExtension encodes sans as a subjectAltName extension.
func sanExtension(t testing.TB, sans []SAN) pkix.Extension {
	t.Helper()
	var names []asn1.RawValue
	for _, s := range sans {
		if s.IP != nil {
			names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 7, Bytes: s.IP})
		} else {
			names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte(s.DNS)})
		}
	}
	der, err := asn1.Marshal(names)
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 17}, Value: der}
}

// NewKey returns a fresh P-256 key.
func NewKey(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Root makes a self-signed root CA named cn.
func Root(t testing.TB, cn string) *Cert {
	t.Helper()
	return Make(t, Template{CN: cn, IsCA: true, MaxPath: -1}, nil)
}

// Intermediate makes a CA named cn signed by parent.
func (parent *Cert) Intermediate(t testing.TB, cn string) *Cert {
	t.Helper()
	return Make(t, Template{CN: cn, IsCA: true, MaxPath: -1}, parent)
}

// Server makes a server leaf (EKU serverAuth) for the given names; IP addresses among
// them become IP SANs, the first name the CN.
func (parent *Cert) Server(t testing.TB, names ...string) *Cert {
	t.Helper()
	tpl := Template{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for i, n := range names {
		if i == 0 {
			tpl.CN = n
		}
		if ip := net.ParseIP(n); ip != nil {
			tpl.IPs = append(tpl.IPs, ip)
		} else {
			tpl.DNS = append(tpl.DNS, n)
		}
	}
	return Make(t, tpl, parent)
}

// Client makes a client leaf (EKU clientAuth) whose CN is user.
func (parent *Cert) Client(t testing.TB, user string) *Cert {
	t.Helper()
	return Make(t, Template{CN: user, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, parent)
}

// Make makes the certificate tpl describes, signed by parent, or self-signed when
// parent is nil.
func Make(t testing.TB, tpl Template, parent *Cert) *Cert {
	t.Helper()
	key := tpl.Key
	if key == nil {
		key = NewKey(t)
	}
	subject := pkix.Name{CommonName: tpl.CN}
	if tpl.Subject != nil {
		subject = *tpl.Subject
	}
	notBefore, notAfter := tpl.NotBefore, tpl.NotAfter
	if notBefore.IsZero() {
		notBefore = Now.Add(-time.Hour)
	}
	if notAfter.IsZero() {
		notAfter = Now.Add(365 * 24 * time.Hour)
	}
	sn := tpl.Serial
	if sn == nil {
		sn = big.NewInt(1000 + serial.Add(1))
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	skid := sha256.Sum256(pubDER)
	c := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		DNSNames:              tpl.DNS,
		IPAddresses:           tpl.IPs,
		ExtKeyUsage:           tpl.EKU,
		SubjectKeyId:          skid[:20],
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		RawSubject:            tpl.RawSubject,
		ExtraExtensions:       tpl.ExtraExtensions,
		CRLDistributionPoints: tpl.CRLDistributionPoints,
	}
	if len(tpl.SANs) > 0 {
		c.DNSNames, c.IPAddresses = nil, nil
		c.ExtraExtensions = append(append([]pkix.Extension(nil), tpl.ExtraExtensions...), sanExtension(t, tpl.SANs))
	}
	if tpl.IsCA {
		c.IsCA = !tpl.NoCAFlag
		c.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		if tpl.NoCertSig {
			c.KeyUsage = x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
		}
		if tpl.MaxPath >= 0 {
			c.MaxPathLen = tpl.MaxPath
			c.MaxPathLenZero = tpl.MaxPath == 0
		}
	}
	if tpl.KeyUsage != 0 {
		c.KeyUsage = tpl.KeyUsage
	}
	issuer, signer := c, key
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, c, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{Cert: cert, Key: key}
}

// BrokenSignature returns a copy of c whose signature has one byte flipped: the same
// names and key identifiers, a signature that no longer verifies.
func (c *Cert) BrokenSignature(t testing.TB) *Cert {
	t.Helper()
	// The signature value ends the certificate; its last bytes are the low bytes of a
	// number (ECDSA's s, or the RSA signature), never DER framing.
	der := append([]byte(nil), c.Cert.Raw...)
	der[len(der)-3] ^= 0x01
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{Cert: cert, Key: c.Key}
}

// Revoked names a certificate to list in a CRL.
type Revoked struct {
	Cert   *x509.Certificate
	At     time.Time
	Reason int
}

// CRL makes a CRL signed by ca that lists revoked, valid from thisUpdate to
// nextUpdate, as DER.
func (ca *Cert) CRL(t testing.TB, number int64, thisUpdate, nextUpdate time.Time, revoked ...Revoked) []byte {
	t.Helper()
	var entries []x509.RevocationListEntry
	for _, r := range revoked {
		at := r.At
		if at.IsZero() {
			at = thisUpdate
		}
		entries = append(entries, x509.RevocationListEntry{SerialNumber: r.Cert.SerialNumber, RevocationTime: at, ReasonCode: r.Reason})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    big.NewInt(number),
		ThisUpdate:                thisUpdate,
		NextUpdate:                nextUpdate,
		RevokedCertificateEntries: entries,
	}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// CRLPEM is CRL encoded as a PEM "X509 CRL" block.
func (ca *Cert) CRLPEM(t testing.TB, number int64, thisUpdate, nextUpdate time.Time, revoked ...Revoked) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: ca.CRL(t, number, thisUpdate, nextUpdate, revoked...)})
}

// ScopedCRLPEM is an empty PEM CRL of ca, number 1, valid from thisUpdate to
// nextUpdate, with a critical issuing distribution point naming the URI uri,
// as step-ca writes them: OpenSSL uses it only for certificates whose CRL
// distribution points name uri too.
func (ca *Cert) ScopedCRLPEM(t testing.TB, thisUpdate, nextUpdate time.Time, uri string) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(uri)) })
			})
		})
	})
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:          big.NewInt(1),
		ThisUpdate:      thisUpdate,
		NextUpdate:      nextUpdate,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: b.BytesOrPanic()}},
	}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// Bundle concatenates the PEM forms of certs.
func Bundle(certs ...*Cert) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, c.PEM()...)
	}
	return out
}
