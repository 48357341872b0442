package selfsign

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/pgcert/pgcert/pkg/keys"
)

// Spec describes a certificate for Build.
type Spec struct {
	// Profile decides EKU, KeyUsage and basic constraints.
	Profile Profile

	// Subject is the subject name, encoded with MarshalSubject. RawSubject,
	// a DER Name (a request's RawSubject, say), takes precedence when set and
	// is copied byte for byte.
	Subject    pkix.RDNSequence
	RawSubject []byte

	// SANs are the subject alternative names. A leaf without any gets its
	// Common Name as a DNS or IP SAN; a ServerLeaf whose Common Name is
	// neither is refused with ErrNoHostName, a ClientLeaf keeps no SAN (its
	// Common Name is a PostgreSQL role name, not a host name).
	SANs SANs

	// Validity: NotBefore and NotAfter, when both are set, are used as they
	// are. Otherwise the certificate is valid from Now minus Backdate to Now
	// plus Days days (the profile's DefaultDays when Days is 0).
	Now       time.Time
	Days      int
	NotBefore time.Time
	NotAfter  time.Time

	// Serial is the serial number; nil draws one with RandomSerial.
	Serial *big.Int

	// PathLen is the basicConstraints pathLenConstraint of a CA profile: the
	// number of CAs allowed below this one, or NoPathLen for no limit. The
	// zero value, 0, is a CA that issues leaves only, which is what an
	// intermediate signing server and client certificates should be; a root
	// above such an intermediate needs 1 or NoPathLen. Ignored for leaves.
	PathLen int

	// Rand is the source of the serial number and of signature randomness;
	// nil means crypto/rand.Reader.
	Rand io.Reader
}

var (
	// ErrNoHostName is returned for a ServerLeaf with no SANs whose Common
	// Name is neither a host name nor an IP address: such a certificate
	// could never match the host a client connects to.
	ErrNoHostName = errors.New("selfsign: server certificate names no host: give subject alternative names or a host name as Common Name")
	// ErrNoName is returned for a certificate or request with neither a
	// subject nor subject alternative names, which identifies nothing.
	ErrNoName = errors.New("selfsign: empty subject and no subject alternative names")
	// ErrNotCA is returned when the issuer given to Build cannot issue
	// certificates: it is not a CA, its KeyUsage lacks keyCertSign, or its
	// path length forbids the CA being issued.
	ErrNotCA = errors.New("selfsign: issuer cannot issue this certificate")
)

// SpecError reports a Spec that Build cannot honour.
type SpecError struct {
	Reason string
}

// Error says what is wrong with the spec.
func (e *SpecError) Error() string { return "selfsign: invalid certificate spec: " + e.Reason }

// Build makes the certificate spec describes for the public key pub and
// returns it as DER. issuer is the issuing CA's certificate and issuerKey its
// private key; a nil issuer makes a self-signed certificate, for which
// issuerKey must be the private half of pub.
//
// Every certificate gets: a random (or the given) serial; the signature
// algorithm SignatureAlgorithm picks for issuerKey; a Subject Key Identifier
// computed by SubjectKeyID; an Authority Key Identifier, equal to the
// issuer's Subject Key Identifier (computed from the issuer's key if its
// certificate has none), or to the certificate's own on a self-signed one —
// zlint's RFC 5280 lint wants it on self-signed leaves, and OpenSSL checks
// that it equals the SKID before calling a certificate self-signed; and
// basicConstraints, KeyUsage and EKU from the profile.
//
// A self-signed leaf (ServerLeaf or ClientLeaf with a nil issuer) has no
// KeyUsage extension: it is also its own trust anchor (the client's
// root.crt, or the server's ssl_ca_file), and OpenSSL before 3.0 (1.0.2,
// 1.1.1, LibreSSL) only takes a self-issued certificate for self-signed, and
// for its own issuer, when its KeyUsage is absent or includes keyCertSign —
// which RFC 5280 forbids without CA:TRUE. OpenSSL 3.0 no longer asks, but
// clients linked with 1.1.1 are still common.
//
// pub may be a *keys.RSAPSSPublicKey (an RSA-PSS key's Public): the certificate
// then names id-RSASSA-PSS as its key's algorithm, which OpenSSL needs to pair it
// with the key, and an RSA-PSS issuerKey signs with RSASSA-PSS. A CA certificate
// for an RSA-PSS key is refused with ErrRSAPSSCA.
//
// Errors: *SpecError for an inconsistent spec, *SubjectError, *SANError,
// *KeyError for unsupported keys, ErrRSAPSSCA, ErrKeyMismatch when issuerKey does not
// belong to the issuer (or, self-signed, to pub), ErrNotCA, ErrNoHostName
// and ErrNoName.
func Build(spec Spec, issuer *x509.Certificate, issuerKey crypto.Signer, pub crypto.PublicKey) ([]byte, error) {
	p := spec.Profile
	if p < ServerLeaf || p > IntermediateCA {
		return nil, &SpecError{Reason: fmt.Sprintf("unknown profile %v", p)}
	}
	if issuerKey == nil {
		return nil, &SpecError{Reason: "no signing key"}
	}
	if _, err := SignatureAlgorithm(pub); err != nil {
		return nil, err
	}
	if _, ok := pub.(*keys.RSAPSSPublicKey); ok && p.IsCA() {
		return nil, ErrRSAPSSCA
	}
	sigAlg, err := SignatureAlgorithm(issuerKey.Public())
	if err != nil {
		return nil, err
	}
	selfSigned := issuer == nil
	if err := checkIssuer(p, issuer, issuerKey, pub); err != nil {
		return nil, err
	}

	subject := spec.RawSubject
	if len(subject) == 0 {
		if subject, err = MarshalSubject(spec.Subject); err != nil {
			return nil, err
		}
	} else if err := checkRawSubject(subject); err != nil {
		return nil, err
	}
	sans, err := spec.SANs.checked()
	if err != nil {
		return nil, err
	}
	if !p.IsCA() {
		var ok bool
		sans, ok = withCommonName(sans, commonName(subject))
		if !ok && p == ServerLeaf {
			return nil, ErrNoHostName
		}
	}
	if sans.Empty() && isEmptyName(subject) {
		return nil, ErrNoName
	}

	notBefore, notAfter, err := validity(spec)
	if err != nil {
		return nil, err
	}

	rnd := randOrDefault(spec.Rand)
	serial := spec.Serial
	if serial == nil {
		if serial, err = RandomSerial(rnd); err != nil {
			return nil, err
		}
	} else if serial.Sign() <= 0 || serial.BitLen() > 159 {
		return nil, &SpecError{Reason: "serial number must be positive and below 2^159"}
	}

	skid, err := SubjectKeyID(pub)
	if err != nil {
		return nil, err
	}
	akid := skid
	if !selfSigned {
		akid = issuer.SubjectKeyId
		if len(akid) == 0 {
			if akid, err = SubjectKeyID(issuer.PublicKey); err != nil {
				return nil, err
			}
		}
	}

	tpl := &x509.Certificate{
		SerialNumber:          serial,
		RawSubject:            subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		SignatureAlgorithm:    sigAlg,
		KeyUsage:              keyUsage(p, pub, selfSigned),
		ExtKeyUsage:           extKeyUsage(p),
		BasicConstraintsValid: true,
		IsCA:                  p.IsCA(),
		SubjectKeyId:          skid,
		AuthorityKeyId:        akid,
		DNSNames:              sans.DNS,
		IPAddresses:           sans.IP,
		EmailAddresses:        sans.Email,
		URIs:                  sans.URI,
	}
	if p.IsCA() {
		switch {
		case spec.PathLen == NoPathLen:
			tpl.MaxPathLen = -1
		case spec.PathLen >= 0:
			tpl.MaxPathLen = spec.PathLen
			tpl.MaxPathLenZero = spec.PathLen == 0
		default:
			return nil, &SpecError{Reason: fmt.Sprintf("path length %d is negative", spec.PathLen)}
		}
	}
	parent := issuer
	if selfSigned {
		parent = tpl
	}
	der, err := x509.CreateCertificate(rnd, tpl, parent, x509PublicKey(pub), x509Signer(issuerKey))
	if err != nil {
		return nil, fmt.Errorf("selfsign: signing the certificate: %w", err)
	}
	if der, err = withPublicKeyInfo(der, pub, issuerKey, rnd); err != nil {
		return nil, err
	}
	if len(der) > MaxCertificateSize {
		return nil, &SpecError{Reason: fmt.Sprintf("the certificate would be %d bytes, more than the %d KiB a TLS handshake carries (its subject and names are too large)",
			len(der), MaxCertificateSize>>10)}
	}
	return der, nil
}

// MaxCertificateSize bounds the certificates Build makes. OpenSSL refuses a peer's
// certificate list over 100 KiB (SSL_MAX_CERT_LIST_DEFAULT), so a server or client
// certificate that big could never be used; 64 KiB leaves room for intermediates.
// Only a request with thousands of names, or names of many kilobytes, comes near.
const MaxCertificateSize = 64 << 10

// checkIssuer checks that issuerKey may sign a certificate of profile p for
// pub under issuer (nil for self-signed).
func checkIssuer(p Profile, issuer *x509.Certificate, issuerKey crypto.Signer, pub crypto.PublicKey) error {
	if issuer == nil {
		if p == IntermediateCA {
			return &SpecError{Reason: "an intermediate CA needs an issuer"}
		}
		if !sameKey(issuerKey.Public(), pub) {
			return ErrKeyMismatch
		}
		return nil
	}
	if p == RootCA {
		return &SpecError{Reason: "a root CA is self-signed; a CA with an issuer is an IntermediateCA"}
	}
	if !sameKey(issuerKey.Public(), issuer.PublicKey) {
		return ErrKeyMismatch
	}
	if !issuer.BasicConstraintsValid || !issuer.IsCA {
		return fmt.Errorf("%w: it is not a CA (basicConstraints CA:TRUE is missing)", ErrNotCA)
	}
	if issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCertSign == 0 {
		return fmt.Errorf("%w: its key usage lacks keyCertSign", ErrNotCA)
	}
	if p.IsCA() && issuer.MaxPathLen == 0 && issuer.MaxPathLenZero {
		return fmt.Errorf("%w: its pathlen:0 allows no CA below it", ErrNotCA)
	}
	return nil
}

// validity returns the validity period spec asks for, whole seconds in UTC
// (X.509 times have no fractions).
func validity(spec Spec) (time.Time, time.Time, error) {
	if !spec.NotBefore.IsZero() || !spec.NotAfter.IsZero() {
		if spec.NotBefore.IsZero() || spec.NotAfter.IsZero() {
			return time.Time{}, time.Time{}, &SpecError{Reason: "NotBefore and NotAfter must be given together"}
		}
		nb, na := spec.NotBefore.UTC().Truncate(time.Second), spec.NotAfter.UTC().Truncate(time.Second)
		if !na.After(nb) {
			return time.Time{}, time.Time{}, &SpecError{Reason: "NotAfter is not after NotBefore"}
		}
		return nb, na, nil
	}
	if spec.Now.IsZero() {
		return time.Time{}, time.Time{}, &SpecError{Reason: "no current time (Now) and no validity period"}
	}
	days := spec.Days
	switch {
	case days < 0:
		return time.Time{}, time.Time{}, &SpecError{Reason: fmt.Sprintf("%d days is negative", days)}
	case days == 0:
		days = spec.Profile.DefaultDays()
	}
	now := spec.Now.UTC().Truncate(time.Second)
	return now.Add(-Backdate), now.AddDate(0, 0, days), nil
}

// randOrDefault is r, or crypto/rand.Reader when r is nil.
func randOrDefault(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}
