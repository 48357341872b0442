package world

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

var (
	oidCN             = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidExtBasic       = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtSAN         = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtSKID        = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidExtAKID        = asn1.ObjectIdentifier{2, 5, 29, 35}
)

// keyUsages are the keyUsage bits by openssl's names.
var keyUsages = map[string]x509.KeyUsage{
	"digitalSignature": x509.KeyUsageDigitalSignature,
	"nonRepudiation":   x509.KeyUsageContentCommitment,
	"keyEncipherment":  x509.KeyUsageKeyEncipherment,
	"dataEncipherment": x509.KeyUsageDataEncipherment,
	"keyAgreement":     x509.KeyUsageKeyAgreement,
	"keyCertSign":      x509.KeyUsageCertSign,
	"cRLSign":          x509.KeyUsageCRLSign,
	"encipherOnly":     x509.KeyUsageEncipherOnly,
	"decipherOnly":     x509.KeyUsageDecipherOnly,
}

// extKeyUsages are the extendedKeyUsage purposes by openssl's names.
var extKeyUsages = map[string]asn1.ObjectIdentifier{
	"serverAuth":      {1, 3, 6, 1, 5, 5, 7, 3, 1},
	"clientAuth":      {1, 3, 6, 1, 5, 5, 7, 3, 2},
	"codeSigning":     {1, 3, 6, 1, 5, 5, 7, 3, 3},
	"emailProtection": {1, 3, 6, 1, 5, 5, 7, 3, 4},
	"timeStamping":    {1, 3, 6, 1, 5, 5, 7, 3, 8},
	"OCSPSigning":     {1, 3, 6, 1, 5, 5, 7, 3, 9},
}

// parseSubject reads openssl's -subj syntax with pkg/selfsign's rules and
// encodes it as openssl does (UTF8String, PrintableString for C).
func parseSubject(s string) ([]byte, error) {
	if s == "/" {
		return asn1.Marshal(pkix.RDNSequence{})
	}
	rdns, err := selfsign.ParseSubject(s)
	if err != nil {
		return nil, err
	}
	return selfsign.MarshalSubject(rdns)
}

// cnSAN is the SAN pgcert's commands copy from a leaf's CN: an IP SAN for an
// address, a DNS SAN otherwise, none without a CN.
func cnSAN(subject string) []string {
	if subject == "/" {
		return []string{}
	}
	rdns, err := selfsign.ParseSubject(subject)
	if err != nil {
		return []string{}
	}
	for _, rdn := range rdns {
		for _, atv := range rdn {
			if cn, ok := atv.Value.(string); ok && atv.Type.Equal(oidCN) {
				if net.ParseIP(cn) != nil {
					return []string{"IP:" + cn}
				}
				return []string{"DNS:" + cn}
			}
		}
	}
	return []string{}
}

// certInput is everything one certificate is made of.
type certInput struct {
	spec      *CertSpec
	serial    *big.Int
	notBefore time.Time
	notAfter  time.Time
	// issuer is nil for a self-signed certificate.
	issuer    *x509.Certificate
	issuerKey crypto.Signer
}

// keyID is the subjectKeyIdentifier of a SubjectPublicKeyInfo: the first 160 bits
// of the SHA-256 of the public key bits (RFC 7093, section 2, method 1), so that
// no SHA-1 is used anywhere.
func keyID(spki []byte) []byte {
	input := cryptobyte.String(spki)
	var info, algo cryptobyte.String
	var bits asn1.BitString
	if !input.ReadASN1(&info, cbasn1.SEQUENCE) || !info.ReadASN1(&algo, cbasn1.SEQUENCE) || !info.ReadASN1BitString(&bits) {
		sum := sha256.Sum256(spki)
		return sum[:20]
	}
	sum := sha256.Sum256(bits.Bytes)
	return sum[:20]
}

// extension is one certificate extension.
type extension struct {
	id       asn1.ObjectIdentifier
	critical bool
	value    []byte
}

// extensions are what a certificate carries: basicConstraints, keyUsage,
// extendedKeyUsage, the key identifiers and subjectAltName.
func extensions(in *certInput, spki, subject []byte) ([]extension, error) {
	c := in.spec
	var exts []extension
	add := func(id asn1.ObjectIdentifier, critical bool, v any) error {
		b, err := asn1.Marshal(v)
		if err != nil {
			return err
		}
		exts = append(exts, extension{id, critical, b})
		return nil
	}
	type basicConstraints struct {
		IsCA       bool `asn1:"optional"`
		MaxPathLen int  `asn1:"optional,default:-1"`
	}
	bc := basicConstraints{IsCA: c.CA, MaxPathLen: -1}
	if c.PathLen != nil {
		bc.MaxPathLen = *c.PathLen
	}
	if err := add(oidExtBasic, true, bc); err != nil {
		return nil, err
	}
	ku := defaultKeyUsage(c)
	if c.KeyUsage != nil {
		ku = 0
		for _, u := range c.KeyUsage {
			ku |= keyUsages[u]
		}
	}
	if ku != 0 {
		if err := add(oidExtKeyUsage, true, keyUsageBits(ku)); err != nil {
			return nil, err
		}
	}
	eku := c.ExtKeyUsage
	if eku == nil && !c.CA {
		eku = []string{"serverAuth", "clientAuth"}
	}
	if len(eku) > 0 {
		oids := make([]asn1.ObjectIdentifier, len(eku))
		for i, u := range eku {
			oids[i] = extKeyUsages[u]
		}
		if err := add(oidExtExtKeyUsage, false, oids); err != nil {
			return nil, err
		}
	}
	if err := add(oidExtSKID, false, keyID(spki)); err != nil {
		return nil, err
	}
	if in.issuer != nil && len(in.issuer.SubjectKeyId) > 0 {
		if err := add(oidExtAKID, false, struct {
			ID []byte `asn1:"optional,tag:0"`
		}{in.issuer.SubjectKeyId}); err != nil {
			return nil, err
		}
	}
	if len(c.SAN) > 0 {
		var names []asn1.RawValue
		for _, san := range c.SAN {
			typ, v, _ := strings.Cut(san, ":")
			switch typ {
			case "DNS":
				names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte(v)})
			case "email":
				names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: []byte(v)})
			case "URI":
				names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(v)})
			case "IP":
				ip := net.ParseIP(v)
				if ip4 := ip.To4(); ip4 != nil {
					ip = ip4
				}
				names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 7, Bytes: ip})
			}
		}
		// RFC 5280 4.2.1.6: with an empty subject the SAN is critical.
		empty, _ := asn1.Marshal(pkix.RDNSequence{})
		if err := add(oidExtSAN, string(subject) == string(empty), names); err != nil {
			return nil, err
		}
	}
	return exts, nil
}

// defaultKeyUsage is keyCertSign and cRLSign for a CA, digitalSignature for a
// leaf, plus keyEncipherment for an RSA leaf (RSA key exchange).
func defaultKeyUsage(c *CertSpec) x509.KeyUsage {
	if c.CA {
		return x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if c.Key.Type == "rsa" {
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	return x509.KeyUsageDigitalSignature
}

// keyUsageBits encodes a KeyUsage as the DER BIT STRING, bit 0 first, without
// trailing zero bits.
func keyUsageBits(ku x509.KeyUsage) asn1.BitString {
	var b [2]byte
	for i := 0; i < 9; i++ {
		if ku&(1<<i) != 0 {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	n := 1
	if b[1] != 0 {
		n = 2
	}
	bitLen := n * 8
	for bitLen > 0 && b[(bitLen-1)/8]&(0x80>>((bitLen-1)%8)) == 0 {
		bitLen--
	}
	return asn1.BitString{Bytes: b[:n], BitLength: bitLen}
}

// addTime writes a validity time as RFC 5280 asks: UTCTime through 2049,
// GeneralizedTime after.
func addTime(b *cryptobyte.Builder, t time.Time) {
	if t.Year() >= 1950 && t.Year() < 2050 {
		b.AddASN1UTCTime(t)
		return
	}
	b.AddASN1GeneralizedTime(t)
}

// buildCertificate makes and signs one certificate. It writes the
// TBSCertificate itself rather than through x509.CreateCertificate, which can
// write neither version 1 certificates, nor certificates without extensions,
// nor an RSA-PSS SubjectPublicKeyInfo (which keys.MarshalPublicKey writes).
func buildCertificate(in *certInput, key crypto.Signer) ([]byte, error) {
	c := in.spec
	subject, err := parseSubject(c.Subject)
	if err != nil {
		return nil, err
	}
	spki, err := keys.MarshalPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	signer, issuerName := key, subject
	if in.issuer != nil {
		signer, issuerName = in.issuerKey, in.issuer.RawSubject
	}
	sigAlg, err := selfsign.AlgorithmIdentifier(signer.Public())
	if err != nil {
		return nil, err
	}
	var exts []extension
	if !c.NoExtensions {
		if exts, err = extensions(in, spki, subject); err != nil {
			return nil, err
		}
	}
	var tbs cryptobyte.Builder
	tbs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if c.Version == 3 {
			b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1Int64(2)
			})
		}
		b.AddASN1BigInt(in.serial)
		b.AddBytes(sigAlg)
		b.AddBytes(issuerName)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			addTime(b, in.notBefore)
			addTime(b, in.notAfter)
		})
		b.AddBytes(subject)
		b.AddBytes(spki)
		if len(exts) > 0 {
			b.AddASN1(cbasn1.Tag(3).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					for _, e := range exts {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(e.id)
							if e.critical {
								b.AddASN1Boolean(true)
							}
							b.AddASN1OctetString(e.value)
						})
					}
				})
			})
		}
	})
	tbsDER, err := tbs.Bytes()
	if err != nil {
		return nil, err
	}
	sig, err := selfsign.Sign(signer, tbsDER, nil)
	if err != nil {
		return nil, err
	}
	var cert cryptobyte.Builder
	cert.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsDER)
		b.AddBytes(sigAlg)
		b.AddASN1BitString(sig)
	})
	return cert.Bytes()
}
