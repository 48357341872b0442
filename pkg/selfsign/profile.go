package selfsign

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"
)

// Profile is the kind of certificate Build makes. The profile alone decides
// the extended key usage, key usage and basic constraints: whatever a request
// asks for (CA:TRUE included) is never copied.
type Profile int

const (
	// ServerLeaf is a PostgreSQL server's certificate: EKU serverAuth,
	// basicConstraints CA:FALSE, KeyUsage digitalSignature (and
	// keyEncipherment for RSA keys, which TLS 1.2's RSA key exchange needs).
	ServerLeaf Profile = iota + 1
	// ClientLeaf is a client's certificate for sslcert / clientcert: EKU
	// clientAuth (the server refuses a client certificate without it),
	// basicConstraints CA:FALSE, KeyUsage digitalSignature whatever the key:
	// a TLS client only signs, and RFC 5280 section 4.2.1.12 allows no
	// keyEncipherment with clientAuth.
	ClientLeaf
	// RootCA is a self-signed CA: basicConstraints critical CA:TRUE with
	// Spec.PathLen, KeyUsage critical keyCertSign|cRLSign, no EKU.
	RootCA
	// IntermediateCA is a CA signed by another: as RootCA.
	IntermediateCA
)

// String names the profile as messages mention it: "server", "client",
// "root CA", "intermediate CA".
func (p Profile) String() string {
	switch p {
	case ServerLeaf:
		return "server"
	case ClientLeaf:
		return "client"
	case RootCA:
		return "root CA"
	case IntermediateCA:
		return "intermediate CA"
	}
	return fmt.Sprintf("Profile(%d)", int(p))
}

// IsCA reports whether certificates of profile p are CAs.
func (p Profile) IsCA() bool { return p == RootCA || p == IntermediateCA }

// Default validity periods, in days, used when a Spec gives neither Days nor
// NotAfter.
const (
	// DefaultServerDays is 825 days (two years and three months): long enough
	// that a server is not broken by a forgotten yearly renewal, and the most
	// Apple's TLS stack accepts for a server certificate, even one under a
	// locally trusted root, so clients built on it keep working.
	DefaultServerDays = 825
	// DefaultClientDays matches DefaultServerDays, so that a server and
	// client pair made together expires together.
	DefaultClientDays = 825
	// DefaultRootCADays is ten years, as the PostgreSQL documentation's own
	// root CA example uses: replacing a root means redistributing root.crt to
	// every client.
	DefaultRootCADays = 3650
	// DefaultIntermediateCADays is five years: half a root's life, so an
	// intermediate is renewed once under each root.
	DefaultIntermediateCADays = 1825
)

// DefaultDays returns the default validity of profile p, in days.
func (p Profile) DefaultDays() int {
	switch p {
	case ServerLeaf:
		return DefaultServerDays
	case ClientLeaf:
		return DefaultClientDays
	case RootCA:
		return DefaultRootCADays
	case IntermediateCA:
		return DefaultIntermediateCADays
	}
	return 0
}

// Backdate is how far before "now" a certificate's validity starts. Clocks
// on the machines that make and check a certificate disagree: a server or
// client whose clock is a little behind would refuse a certificate that is
// not yet valid. Five minutes is the clock skew Kerberos tolerates by
// default, the usual bound for machines kept in sync by NTP, and small enough
// that a certificate is never valid long before it was made.
const Backdate = 5 * time.Minute

// NoPathLen in Spec.PathLen leaves a CA's path length unconstrained.
const NoPathLen = -1

// keyUsage returns the KeyUsage bits profile p gives to a certificate for
// pub. Ed25519 and ECDSA keys sign and never encrypt, so leaves get
// digitalSignature only (RFC 8410 section 5 forbids keyEncipherment for
// Ed25519; RFC 5480 section 3 for ECDSA); RSA server leaves add
// keyEncipherment for TLS 1.2's RSA key exchange, which only servers use.
//
// A self-signed leaf gets no KeyUsage at all (zero): such a certificate is
// also its own trust anchor (the client's root.crt), and OpenSSL before 3.0
// (1.0.2, 1.1.1, and LibreSSL) only treats a self-issued certificate as
// self-signed, and as its own issuer, when its KeyUsage is absent or has
// keyCertSign; keyCertSign in turn requires CA:TRUE (RFC 5280 section
// 4.2.1.3). Leaving KeyUsage out keeps the certificate a CA:FALSE leaf that
// every OpenSSL accepts as its own trust anchor.
func keyUsage(p Profile, pub crypto.PublicKey, selfSigned bool) x509.KeyUsage {
	if p.IsCA() {
		return x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if selfSigned {
		return 0
	}
	ku := x509.KeyUsageDigitalSignature
	if _, ok := pub.(*rsa.PublicKey); ok && p == ServerLeaf {
		ku |= x509.KeyUsageKeyEncipherment
	}
	return ku
}

// extKeyUsage returns the extended key usage of profile p; CAs get none, so
// that they may issue certificates of any purpose.
func extKeyUsage(p Profile) []x509.ExtKeyUsage {
	switch p {
	case ServerLeaf:
		return []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	case ClientLeaf:
		return []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	return nil
}
