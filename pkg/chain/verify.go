package chain

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"
)

// Purpose is what the verified certificate is for, as OpenSSL's X509_PURPOSE.
type Purpose int

const (
	// PurposeAny checks no key usage, as `openssl verify` without -purpose.
	PurposeAny Purpose = iota
	// PurposeServer is how libpq checks the server's certificate (OpenSSL's
	// "sslserver"): an extendedKeyUsage, when present, must include serverAuth (or a
	// Server Gated Crypto usage) on every certificate of the chain, and the leaf's
	// keyUsage, when present, must allow digitalSignature, keyEncipherment or
	// keyAgreement.
	PurposeServer
	// PurposeClient is how the server checks a client's certificate ("sslclient"):
	// clientAuth in every extendedKeyUsage, digitalSignature or keyAgreement in the
	// leaf's keyUsage. A serverAuth-only client certificate fails here, and the client
	// sees "sslv3 alert unsupported certificate".
	PurposeClient
)

// DefaultSecurityLevel is the OpenSSL security level libpq and the server work at
// when the system configuration sets none: 2, the default of OpenSSL 3.2 and later
// and of the OpenSSL 3.0 that Debian and Ubuntu build (-DOPENSSL_TLS_SECURITY_LEVEL=2;
// a PostgreSQL 15 server there refuses to start with a 1024-bit RSA key: "ee key too
// small"). It refuses RSA and DSA keys under 2048 bits, elliptic curves under 224
// bits, and SHA-1 or MD5 signatures below the trust anchor. Upstream OpenSSL 3.0 and
// 3.1 default to 1 (RSA from 1024 bits, SHA-1 allowed): a chain judged at 2 loads
// there too.
const DefaultSecurityLevel = 2

// maxVerifyDepth is OpenSSL's default verification depth (the number of intermediate
// certificates allowed), which neither libpq nor the server changes.
const maxVerifyDepth = 100

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Now is the time validity is judged at; required.
	Now time.Time
	// Roots are the trust anchors: root.crt (sslrootcert) for libpq, ssl_ca_file for
	// the server.
	Roots []Input
	// Intermediates are the other certificates the peer sends (the rest of
	// server.crt, or of the client's postgresql.crt): untrusted, used only to reach a
	// root.
	Intermediates []Input
	// Purpose selects the key usage checks (PurposeServer or PurposeClient).
	Purpose Purpose
	// CRLs, when any are given, turn on OpenSSL's X509_V_FLAG_CRL_CHECK |
	// X509_V_FLAG_CRL_CHECK_ALL, as libpq and the server do once a CRL file or
	// directory is configured: every certificate of the chain, the root included, needs
	// a current CRL from its issuer.
	CRLs []*x509.RevocationList
	// SecurityLevel is the OpenSSL security level to check key sizes and signature
	// digests at: 0 means DefaultSecurityLevel, a negative value checks nothing (as
	// `openssl verify` without -auth_level).
	SecurityLevel int
}

// VerifyError is a verification failure in OpenSSL's terms: Reason at Depth (0 is the
// leaf), concerning Cert. For CRL reasons, CRLIssuer names the CA whose CRL is
// missing, expired or failing.
type VerifyError struct {
	Reason    Reason
	Depth     int
	Cert      Input
	CRLIssuer string
}

func (e *VerifyError) Error() string {
	s := fmt.Sprintf("chain: %s (depth %d): %s", e.Cert, e.Depth, e.Reason)
	if e.CRLIssuer != "" {
		s += fmt.Sprintf(" (CRL issuer %q)", e.CRLIssuer)
	}
	return s
}

// Verify verifies leaf the way OpenSSL 3.0 does inside libpq (PurposeServer) and the
// server (PurposeClient), and returns the chain it built, leaf first, up to the trust
// anchor. On failure it returns the chain as far as it got and a *VerifyError with the
// first error OpenSSL would report — the one that ends a TLS handshake — following
// OpenSSL's order: key strength of the leaf, chain building (trusted issuers first, then
// the peer's certificates), CA and purpose checks from the leaf up, security level, CRLs
// from the leaf up, then signatures and validity periods from the root down.
//
// What is not modelled: auxiliary trust settings in TRUSTED CERTIFICATE blocks, name
// constraints, certificate policies, RFC 3779 resources, proxy certificates (reported as
// an unhandled critical extension where OpenSSL says they are not allowed), indirect CRLs (which OpenSSL ignores without
// extended CRL support, as libpq and the server run it) and delta CRLs as deltas (OpenSSL
// 3.0 then takes a delta CRL for a full one, and so does Verify), and OpenSSL's unstable
// choice between two equally valid trusted copies of one CA.
func Verify(leaf Input, opts VerifyOptions) ([]Input, error) {
	if opts.Now.IsZero() {
		return nil, ErrNoTime
	}
	// OpenSSL compares times in whole seconds.
	opts.Now = opts.Now.Truncate(time.Second)
	v := &verifier{opts: opts, level: opts.SecurityLevel}
	if v.level == 0 {
		v.level = DefaultSecurityLevel
	}
	if v.level > 0 && !keyStrongEnough(leaf.Cert, v.level) {
		return []Input{leaf}, v.fail(EEKeyTooSmall, 0, leaf)
	}
	if err := v.build(leaf); err != nil {
		return v.chain, err
	}
	for _, step := range []func() error{v.checkExtensions, v.checkSecurityLevel, v.checkRevocation, v.checkSignaturesAndTimes} {
		if err := step(); err != nil {
			return v.chain, err
		}
	}
	return v.chain, nil
}

type verifier struct {
	opts         VerifyOptions
	level        int
	chain        []Input
	numUntrusted int
}

func (v *verifier) fail(r Reason, depth int, in Input) *VerifyError {
	return &VerifyError{Reason: r, Depth: depth, Cert: in}
}

// build mirrors OpenSSL's build_chain with X509_V_FLAG_TRUSTED_FIRST (the default
// since 1.1.0): at each step the trust store is asked for an issuer before the peer's
// certificates are, issuers are chosen by name, authority key identifier and key type
// (not by signature), and a currently valid issuer is preferred.
func (v *verifier) build(leaf Input) error {
	v.chain = []Input{leaf}
	v.numUntrusted = 1
	untrusted := append([]Input(nil), v.opts.Intermediates...)
	trusted := false
	// Like OpenSSL, grow the chain to one certificate past the limit, so that a chain
	// that is too long is reported as such rather than as incomplete.
	for len(v.chain) <= maxVerifyDepth+1 {
		cur := v.chain[len(v.chain)-1]
		ss := selfSigned(cur.Cert)
		if iss, ok := v.bestIssuer(cur, v.opts.Roots, false); ok {
			if !ss {
				v.chain = append(v.chain, iss)
				untrusted = nil // once a trusted issuer is found only the store extends the chain
				if selfSigned(iss.Cert) {
					trusted = true
					break
				}
				continue
			}
			// A self-signed certificate is trusted only when the store holds that very
			// certificate; another one under the same name and key is a mimic.
			if bytes.Equal(cur.Cert.Raw, iss.Cert.Raw) {
				v.chain[len(v.chain)-1] = iss
				v.numUntrusted--
				trusted = true
			}
			break
		}
		if ss {
			break
		}
		iss, ok := v.bestIssuer(cur, untrusted, true)
		if !ok {
			break
		}
		for k, u := range untrusted {
			if u.Cert == iss.Cert {
				untrusted = append(untrusted[:k:k], untrusted[k+1:]...)
				break
			}
		}
		v.chain = append(v.chain, iss)
		v.numUntrusted++
	}
	if trusted {
		return nil
	}
	num := len(v.chain)
	top := v.chain[num-1]
	switch {
	case num > maxVerifyDepth+1:
		return v.fail(CertChainTooLong, num-1, top)
	case selfSigned(top.Cert) && num == 1:
		return v.fail(DepthZeroSelfSignedCert, 0, top)
	case selfSigned(top.Cert):
		return v.fail(SelfSignedCertInChain, num-1, top)
	case v.numUntrusted < num:
		return v.fail(UnableToGetIssuerCert, num-1, top)
	}
	return v.fail(UnableToGetIssuerCertLocally, num-1, top)
}

// bestIssuer returns the first candidate that likely issued cur and is valid now, or
// else the one that expires last (X509_STORE_CTX_get1_issuer and find_issuer). Among
// the peer's certificates, those already in the chain are skipped.
func (v *verifier) bestIssuer(cur Input, candidates []Input, skipChain bool) (Input, bool) {
	var fallback Input
	found := false
	for _, c := range candidates {
		if !likelyIssued(cur.Cert, c.Cert) {
			continue
		}
		if skipChain && v.inChain(c) && !(selfIssued(cur.Cert) && len(v.chain) == 1) {
			continue
		}
		if validity(c, v.opts.Now) == nil {
			return c, true
		}
		if !found || c.Cert.NotAfter.After(fallback.Cert.NotAfter) {
			fallback, found = c, true
		}
	}
	return fallback, found
}

func (v *verifier) inChain(c Input) bool {
	for _, in := range v.chain {
		if bytes.Equal(in.Cert.Raw, c.Cert.Raw) {
			return true
		}
	}
	return false
}

// checkExtensions mirrors OpenSSL's check_extensions, from the leaf up: unhandled
// critical extensions, CA status of every issuer (an intermediate needs
// basicConstraints CA:TRUE; the trust anchor may also be a version 1 root or carry
// keyCertSign without basicConstraints), the purpose, and pathlen.
func (v *verifier) checkExtensions() error {
	pathLen := 0
	for i, in := range v.chain {
		c := in.Cert
		if hasUnhandledCritical(c) {
			return v.fail(UnhandledCriticalExtension, i, in)
		}
		if i > 0 {
			kind := caKind(c)
			if kind == 0 || (i+1 < len(v.chain) && kind != 1) {
				return v.fail(InvalidCA, i, in)
			}
		}
		if !purposeAllows(c, v.opts.Purpose, i > 0) {
			return v.fail(InvalidPurpose, i, in)
		}
		if limit, ok := maxPathLen(c); ok && i > 1 && pathLen > limit {
			return v.fail(PathLengthExceeded, i, in)
		}
		if i > 0 && !selfIssued(c) {
			pathLen++
		}
	}
	return nil
}

// purposeAllows mirrors OpenSSL's check_purpose_ssl_server and _ssl_client.
func purposeAllows(c *x509.Certificate, p Purpose, ca bool) bool {
	var nsBit byte
	var leafKU x509.KeyUsage
	switch p {
	case PurposeServer:
		if !ekuAllows(c, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageNetscapeServerGatedCrypto, x509.ExtKeyUsageMicrosoftServerGatedCrypto) {
			return false
		}
		nsBit, leafKU = nsSSLServer, x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment|x509.KeyUsageKeyAgreement
	case PurposeClient:
		if !ekuAllows(c, x509.ExtKeyUsageClientAuth) {
			return false
		}
		nsBit, leafKU = nsSSLClient, x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement
	default:
		return true
	}
	if ca {
		kind := caKind(c)
		if kind == 5 {
			t, _ := netscapeType(c)
			return t&nsSSLCA != 0
		}
		return kind != 0
	}
	if t, ok := netscapeType(c); ok && t&nsBit == 0 {
		return false
	}
	return !kuReject(c, leafKU)
}

// checkSecurityLevel mirrors OpenSSL's check_auth_level: every issuer's key, and the
// signature of every certificate below the trust anchor, must reach the level's
// strength.
func (v *verifier) checkSecurityLevel() error {
	if v.level <= 0 {
		return nil
	}
	for i, in := range v.chain {
		if i > 0 && !keyStrongEnough(in.Cert, v.level) {
			return v.fail(CAKeyTooSmall, i, in)
		}
		if i < len(v.chain)-1 && !signatureStrongEnough(in.Cert, v.level) {
			return v.fail(CAMDTooWeak, i, in)
		}
	}
	return nil
}

// checkSignaturesAndTimes mirrors OpenSSL's internal_verify: from the trust anchor
// down, each certificate's signature (not the anchor's own) and then its validity
// period.
func (v *verifier) checkSignaturesAndTimes() error {
	for i := len(v.chain) - 1; i >= 0; i-- {
		in := v.chain[i]
		if i < len(v.chain)-1 && signedBy(in.Cert, v.chain[i+1].Cert) != nil {
			return v.fail(CertSignatureFailure, i, in)
		}
		if e := validity(in, v.opts.Now); e != nil {
			if e.NotYetValid {
				return v.fail(CertNotYetValid, i, in)
			}
			return v.fail(CertHasExpired, i, in)
		}
	}
	return nil
}
