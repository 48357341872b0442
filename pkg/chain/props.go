package chain

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/pgcert/pgcert/pkg/keys"
)

// This file derives from a certificate the facts OpenSSL's ossl_x509v3_cache_extensions
// computes and its verifier acts on, read from the extensions as they are rather than
// from Go's interpretation of them where the two differ.

var (
	oidKeyUsage       = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidAuthorityKeyID = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidNetscapeType   = asn1.ObjectIdentifier{2, 16, 840, 1, 113730, 1, 1}
	oidIssuingDP      = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidDeltaCRL       = asn1.ObjectIdentifier{2, 5, 29, 27}
)

func findExtension(exts []pkix.Extension, oid asn1.ObjectIdentifier) (pkix.Extension, bool) {
	for _, e := range exts {
		if e.Id.Equal(oid) {
			return e, true
		}
	}
	return pkix.Extension{}, false
}

func hasExtension(c *x509.Certificate, oid asn1.ObjectIdentifier) bool {
	_, ok := findExtension(c.Extensions, oid)
	return ok
}

// opensslKnownExtensions are the certificate extensions OpenSSL 3.0's verifier knows
// (X509_supported_extension, with RFC 3779 support built in as distributions build it):
// a critical extension outside them is an "unhandled critical extension". Go's x509
// knows another set — not Netscape's certificate type, OCSP no-check or the RFC 3779
// resources, and it counts a critical subject alternative name without a name it reads
// as unhandled — so its UnhandledCriticalExtensions would mispredict. Proxy certificate
// information is left out on purpose: OpenSSL knows it, then refuses proxy certificates
// for libpq and the server all the same.
var opensslKnownExtensions = []asn1.ObjectIdentifier{
	oidNetscapeType,
	oidKeyUsage,
	oidSubjectAltName,
	{2, 5, 29, 19}, // basicConstraints
	{2, 5, 29, 32}, // certificatePolicies
	{2, 5, 29, 31}, // cRLDistributionPoints
	oidExtKeyUsage,
	{1, 3, 6, 1, 5, 5, 7, 1, 7},     // sbgp-ipAddrBlock (RFC 3779)
	{1, 3, 6, 1, 5, 5, 7, 1, 8},     // sbgp-autonomousSysNum (RFC 3779)
	{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}, // id-pkix-ocsp-nocheck
	{2, 5, 29, 36},                  // policyConstraints
	{2, 5, 29, 30},                  // nameConstraints
	{2, 5, 29, 33},                  // policyMappings
	{2, 5, 29, 54},                  // inhibitAnyPolicy
}

// hasUnhandledCritical mirrors OpenSSL's EXFLAG_CRITICAL for certificates: a critical
// extension OpenSSL's verifier does not know.
func hasUnhandledCritical(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if !e.Critical {
			continue
		}
		known := false
		for _, oid := range opensslKnownExtensions {
			if e.Id.Equal(oid) {
				known = true
				break
			}
		}
		if !known {
			return true
		}
	}
	return false
}

// Netscape certificate type bits (the BIT STRING's first bit is 0x80).
const (
	nsSSLClient = 0x80
	nsSSLServer = 0x40
	nsSSLCA     = 0x04
	nsAnyCA     = 0x07
)

// netscapeType returns the Netscape certificate type bits and whether the extension is
// present; old `openssl ca` configurations still write it. Like OpenSSL's BIT STRING
// decoder, it clears the unused bits of the last byte where DER (and Go's asn1) would
// refuse them set.
func netscapeType(c *x509.Certificate) (byte, bool) {
	e, ok := findExtension(c.Extensions, oidNetscapeType)
	if !ok {
		return 0, false
	}
	in := cryptobyte.String(e.Value)
	var bits cryptobyte.String
	var unused uint8
	if !in.ReadASN1(&bits, cbasn1.BIT_STRING) || !bits.ReadUint8(&unused) || unused > 7 || len(bits) == 0 {
		return 0, true
	}
	first := bits[0]
	if len(bits) == 1 {
		first &= 0xff << unused
	}
	return first, true
}

// kuReject mirrors OpenSSL's ku_reject: a keyUsage extension is present and allows none
// of usage.
func kuReject(c *x509.Certificate, usage x509.KeyUsage) bool {
	return hasExtension(c, oidKeyUsage) && c.KeyUsage&usage == 0
}

// ekuAllows reports whether the certificate's extended key usage allows one of usages; a
// certificate without the extension allows everything. anyExtendedKeyUsage does not
// count, as in OpenSSL's xku_reject.
func ekuAllows(c *x509.Certificate, usages ...x509.ExtKeyUsage) bool {
	if !hasExtension(c, oidExtKeyUsage) {
		return true
	}
	for _, have := range c.ExtKeyUsage {
		for _, want := range usages {
			if have == want {
				return true
			}
		}
	}
	return false
}

// caKind mirrors OpenSSL's check_ca: 0 for a certificate that may not issue others, 1
// for basicConstraints CA:TRUE, 3 for a self-signed version 1 root, 4 for keyCertSign
// without basicConstraints, 5 for a Netscape CA type without either.
func caKind(c *x509.Certificate) int {
	if kuReject(c, x509.KeyUsageCertSign) {
		return 0
	}
	if c.BasicConstraintsValid {
		if c.IsCA {
			return 1
		}
		return 0
	}
	if c.Version == 1 && selfSigned(c) {
		return 3
	}
	if hasExtension(c, oidKeyUsage) {
		return 4
	}
	if t, ok := netscapeType(c); ok && t&nsAnyCA != 0 {
		return 5
	}
	return 0
}

// authorityKeyID is a parsed authorityKeyIdentifier extension; Go's x509 keeps only the
// key identifier, but OpenSSL also compares the issuer name and serial when present.
type authorityKeyID struct {
	keyID  []byte
	issuer []byte // DER Name of the first directoryName, if any
	serial *big.Int
}

func parseAuthorityKeyID(exts []pkix.Extension) *authorityKeyID {
	e, ok := findExtension(exts, oidAuthorityKeyID)
	if !ok {
		return nil
	}
	in := cryptobyte.String(e.Value)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil
	}
	akid := &authorityKeyID{}
	var keyID cryptobyte.String
	var present bool
	if seq.ReadOptionalASN1(&keyID, &present, cbasn1.Tag(0).ContextSpecific()) && present {
		akid.keyID = keyID
	}
	var names cryptobyte.String
	if seq.ReadOptionalASN1(&names, &present, cbasn1.Tag(1).ContextSpecific().Constructed()) && present {
		for !names.Empty() {
			var gn cryptobyte.String
			var tag cbasn1.Tag
			if !names.ReadAnyASN1(&gn, &tag) {
				break
			}
			if tag == cbasn1.Tag(4).ContextSpecific().Constructed() {
				var name cryptobyte.String
				if gn.ReadASN1Element(&name, cbasn1.SEQUENCE) {
					akid.issuer = name
				}
				break
			}
		}
	}
	var serial cryptobyte.String
	if seq.ReadOptionalASN1(&serial, &present, cbasn1.Tag(2).ContextSpecific()) && present && len(serial) > 0 {
		n := new(big.Int).SetBytes(serial)
		if serial[0]&0x80 != 0 {
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(serial))))
		}
		akid.serial = n
	}
	return akid
}

// akidMatches mirrors OpenSSL's X509_check_akid: an authority key identifier rules an
// issuer out only by a field both sides have and that differs.
func akidMatches(issuer *x509.Certificate, akid *authorityKeyID) bool {
	if akid == nil {
		return true
	}
	if len(akid.keyID) > 0 && len(issuer.SubjectKeyId) > 0 && !bytes.Equal(akid.keyID, issuer.SubjectKeyId) {
		return false
	}
	if akid.serial != nil && (issuer.SerialNumber == nil || akid.serial.Cmp(issuer.SerialNumber) != 0) {
		return false
	}
	if akid.issuer != nil && !sameName(akid.issuer, issuer.RawIssuer) {
		return false
	}
	return true
}

// sigAlgMatches mirrors OpenSSL's check_sig_alg_match: the child's signature algorithm
// must be one the parent's key type can make (an RSA key may sign RSA-PSS too).
func sigAlgMatches(child, parent *x509.Certificate) bool {
	return keyAlgorithmFor(child.SignatureAlgorithm) == parent.PublicKeyAlgorithm &&
		parent.PublicKeyAlgorithm != x509.UnknownPublicKeyAlgorithm
}

func keyAlgorithmFor(alg x509.SignatureAlgorithm) x509.PublicKeyAlgorithm {
	switch alg {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.SHA256WithRSA, x509.SHA384WithRSA,
		x509.SHA512WithRSA, x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
		return x509.RSA
	case x509.DSAWithSHA1, x509.DSAWithSHA256:
		return x509.DSA
	case x509.ECDSAWithSHA1, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512:
		return x509.ECDSA
	case x509.PureEd25519:
		return x509.Ed25519
	}
	return x509.UnknownPublicKeyAlgorithm
}

// selfSigned mirrors OpenSSL's EXFLAG_SS: the certificate names itself as issuer, its
// authority key identifier (if any) is its own, and its signature algorithm fits its own
// key. Like OpenSSL, it does not verify the signature: that is done, or skipped for
// trust anchors, where the verifier decides.
func selfSigned(c *x509.Certificate) bool {
	return selfIssued(c) && akidMatches(c, parseAuthorityKeyID(c.Extensions)) && sigAlgMatches(c, c)
}

// likelyIssued mirrors OpenSSL's ossl_x509_likely_issued, the test its chain builder
// uses to pick an issuer: names, authority key identifier and key type agree. The
// signature is verified later, so a forged or corrupted certificate is picked and then
// fails with "certificate signature failure".
func likelyIssued(child, parent *x509.Certificate) bool {
	return issuedByName(child, parent) && akidMatches(parent, parseAuthorityKeyID(child.Extensions)) && sigAlgMatches(child, parent)
}

// signedBy verifies child's signature with parent's key. Unlike CheckSignatureFrom it
// leaves parent's CA flags to the caller, which reports them as their own problem, and it
// accepts SHA-1 signatures, which OpenSSL verifies below security level 1.
func signedBy(child, parent *x509.Certificate) error {
	return keys.CheckSignature(child.Raw, child.SignatureAlgorithm, parent.PublicKey)
}
