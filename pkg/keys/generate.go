package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Type is a kind of key pgcert generates.
type Type string

// The key types pgcert generates. ECDSA is the default: small, fast to generate and to
// use, and read by every PostgreSQL and libpq built with OpenSSL 1.0.1 or later.
const (
	TypeEC      Type = "ec"
	TypeRSA     Type = "rsa"
	TypeEd25519 Type = "ed25519"
	// TypeRSAPSS is an RSA key restricted to PSS signatures (an RSAPSSKey), as
	// `openssl genpkey -algorithm RSA-PSS` makes: for sites whose policy asks for
	// one. The server accepts it, and libpq's SCRAM channel binding hashes its
	// certificate with SHA-256.
	TypeRSAPSS Type = "rsa-pss"
)

// Types lists the key types in the order help texts and completions show them.
func Types() []string {
	return []string{string(TypeEC), string(TypeRSA), string(TypeEd25519), string(TypeRSAPSS)}
}

// ParseType reads a key type as given on a command line: "ec" (or "ecdsa"), "rsa",
// "rsa-pss" (or "rsapss", openssl's "RSA-PSS" in any case) or "ed25519", in any case.
func ParseType(s string) (Type, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ec", "ecdsa":
		return TypeEC, nil
	case "rsa":
		return TypeRSA, nil
	case "rsa-pss", "rsapss":
		return TypeRSAPSS, nil
	case "ed25519":
		return TypeEd25519, nil
	}
	return "", &OptionError{Option: "key type", Value: s, Valid: Types()}
}

// Curve is an elliptic curve pgcert generates ECDSA keys on, named as NIST and Go name
// it.
type Curve string

// The curves pgcert generates keys on. P-256 is the default: 128-bit security, which is
// what a 3072-bit RSA key gives, and the curve every TLS stack implements. P-384 is
// there for policies that require it.
const (
	CurveP256 Curve = "P-256"
	CurveP384 Curve = "P-384"
)

// Curves lists the curves in the order help texts and completions show them.
func Curves() []string { return []string{string(CurveP256), string(CurveP384)} }

// ParseCurve reads a curve name as given on a command line. Besides "P-256" and "P-384"
// it takes the names openssl uses ("prime256v1", "secp384r1"), "secp256r1", and the
// forms without a dash ("p256"), in any case.
func ParseCurve(s string) (Curve, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "p-256", "p256", "prime256v1", "secp256r1":
		return CurveP256, nil
	case "p-384", "p384", "secp384r1":
		return CurveP384, nil
	}
	return "", &OptionError{Option: "curve", Value: s, Valid: Curves()}
}

func (c Curve) elliptic() elliptic.Curve {
	switch c {
	case CurveP256:
		return elliptic.P256()
	case CurveP384:
		return elliptic.P384()
	}
	return nil
}

// MinRSABits is the smallest RSA key Generate makes. NIST has disallowed smaller keys
// for signatures since 2013, and distributions' OpenSSL security level 2 refuses them.
const MinRSABits = 2048

// DefaultRSABits is the RSA size when none is asked for: the same as openssl's, the
// smallest safe size, and the fastest for the server's handshakes.
const DefaultRSABits = 2048

// rsaSizes are the RSA sizes Generate makes. Other sizes work but only make keys
// harder to compare and certificates harder to reason about.
var rsaSizes = []int{2048, 3072, 4096}

// GenerateOptions says what key Generate makes. The zero value asks for an ECDSA P-256
// key drawn from crypto/rand.
type GenerateOptions struct {
	// Type is the key type; empty means TypeEC.
	Type Type
	// Curve is the ECDSA curve; empty means CurveP256. Only for TypeEC.
	Curve Curve
	// Bits is the RSA modulus size: 2048, 3072 or 4096; zero means DefaultRSABits.
	// Only for TypeRSA and TypeRSAPSS.
	Bits int
	// Rand is the source of randomness; nil means crypto/rand. ECDSA and Ed25519 keys
	// are drawn from it, so tests can make them reproducible. RSA keys always come from
	// crypto/rand: since Go 1.26 crypto/rsa ignores the reader it is given.
	Rand io.Reader
}

// Generate makes a new private key as opts says. A size or curve that does not belong
// to the type, or an RSA size other than 2048, 3072 or 4096, is refused before any
// work: a *KeySizeError for RSA sizes, an *OptionError for the rest.
//
// Validation happens before generation so that a CLI can report a bad flag at once,
// even for RSA 4096 which takes seconds to make.
func Generate(opts GenerateOptions) (crypto.Signer, error) {
	typ := opts.Type
	if typ == "" {
		typ = TypeEC
	}
	switch typ {
	case TypeEC:
		if opts.Bits != 0 {
			return nil, &OptionError{Option: "key size", Value: strconv.Itoa(opts.Bits), Reason: "only RSA keys take a size"}
		}
		curve := opts.Curve
		if curve == "" {
			curve = CurveP256
		}
		c := curve.elliptic()
		if c == nil {
			return nil, &OptionError{Option: "curve", Value: string(curve), Valid: Curves()}
		}
		return generateECDSA(c, opts.Rand)
	case TypeRSA, TypeRSAPSS:
		if opts.Curve != "" {
			return nil, &OptionError{Option: "curve", Value: string(opts.Curve), Reason: "only EC keys take a curve"}
		}
		bits := opts.Bits
		if bits == 0 {
			bits = DefaultRSABits
		}
		if !validRSASize(bits) {
			return nil, &KeySizeError{Bits: bits, Min: MinRSABits}
		}
		if typ == TypeRSAPSS {
			return GenerateRSAPSS(bits)
		}
		return rsa.GenerateKey(rand.Reader, bits)
	case TypeEd25519:
		if opts.Curve != "" {
			return nil, &OptionError{Option: "curve", Value: string(opts.Curve), Reason: "only EC keys take a curve"}
		}
		if opts.Bits != 0 {
			return nil, &OptionError{Option: "key size", Value: strconv.Itoa(opts.Bits), Reason: "only RSA keys take a size"}
		}
		r := opts.Rand
		if r == nil {
			r = rand.Reader
		}
		_, priv, err := ed25519.GenerateKey(r)
		if err != nil {
			return nil, fmt.Errorf("keys: generating an Ed25519 key: %w", err)
		}
		return priv, nil
	}
	return nil, &OptionError{Option: "key type", Value: string(typ), Valid: Types()}
}

func validRSASize(bits int) bool {
	for _, s := range rsaSizes {
		if bits == s {
			return true
		}
	}
	return false
}

// maxScalarTries bounds the rejection sampling in generateECDSA. A uniformly random
// candidate is out of range with probability below 2^-32 for P-256 and 2^-190 for
// P-384, so running out of tries means the reader is broken (all zeros, all ones).
const maxScalarTries = 16

// generateECDSA draws the private scalar from r by rejection sampling (FIPS 186-5
// A.2.2), because crypto/ecdsa ignores a caller's reader since Go 1.26 and the
// GenerateOptions promise that Rand is used.
func generateECDSA(c elliptic.Curve, r io.Reader) (*ecdsa.PrivateKey, error) {
	if r == nil || r == rand.Reader {
		return ecdsa.GenerateKey(c, rand.Reader)
	}
	buf := make([]byte, (c.Params().N.BitLen()+7)/8)
	for range maxScalarTries {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("keys: generating an ECDSA key: %w", err)
		}
		// P-256's and P-384's orders are whole bytes long, so every candidate below the
		// order is equally likely and ParseRawPrivateKey rejects exactly the others.
		if k, err := ecdsa.ParseRawPrivateKey(c, buf); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("keys: generating an ECDSA key: the random source gives no valid scalar")
}
