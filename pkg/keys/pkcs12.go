package keys

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// ContainerPKCS12 is the Container of a key read from a PKCS#12 (PFX) file.
const ContainerPKCS12 = "PKCS#12"

// PKCS12 is what a PKCS#12 (PFX) file holds: a private key, its certificate and the
// CA certificates that came with it, as a CA's download or a Windows or Java export
// bundles them.
type PKCS12 struct {
	Key     *Key
	Cert    *x509.Certificate
	CACerts []*x509.Certificate
}

// IsPKCS12 reports whether data is a DER PKCS#12 (PFX) file.
func IsPKCS12(data []byte) bool {
	return classifyDER(data) == derPKCS12
}

// ParsePKCS12 reads a PKCS#12 file with one private key and its certificate: modern
// ones (PBES2 with AES, PBMAC1) and legacy ones (pbeWithSHAAnd40BitRC2-CBC and
// 3DES, which openssl 3 writes only with -legacy) alike, through
// software.sslmate.com/src/go-pkcs12, a maintained reader of the format.
//
// A PKCS#12 file is always encrypted, but often with an empty password: that is tried
// first, and pass is called only when it does not open the file. A nil pass then gives
// ErrPassphraseRequired, a wrong passphrase ErrIncorrectPassphrase. Iteration counts
// above MaxIterations in the file's visible parameters (its MAC and the encryption of
// its outer layer) are refused before any key is derived.
func ParsePKCS12(data []byte, pass PassphraseFunc) (*PKCS12, error) {
	return parsePKCS12(data, pass, defaultLimits)
}

func parsePKCS12(data []byte, pass PassphraseFunc, lim limits) (*PKCS12, error) {
	if len(data) > MaxInputSize {
		return nil, &LimitError{What: "input size", Value: uint64(len(data)), Limit: MaxInputSize, Unit: "bytes"}
	}
	if !IsPKCS12(data) {
		return nil, &FormatError{Found: "input that is not a PKCS#12 (PFX) file", Err: errors.New("not PKCS#12")}
	}
	if n := maxIterationsIn(data, 4); n > lim.iterations {
		return nil, &LimitError{What: "KDF iteration count", Value: n, Limit: lim.iterations}
	}
	password := ""
	key, cert, cas, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
		if pass == nil {
			return nil, ErrPassphraseRequired
		}
		p, perr := pass()
		if perr != nil {
			return nil, perr
		}
		password = string(p)
		key, cert, cas, err = pkcs12.DecodeChain(data, password)
		if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
			return nil, ErrIncorrectPassphrase
		}
	}
	if err != nil {
		return nil, &FormatError{Found: "a PKCS#12 (PFX) file", Err: err,
			Hint: "pgcert reads PKCS#12 files with one private key and its certificate"}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, &UnsupportedAlgorithmError{Algorithm: fmt.Sprintf("%T", key)}
	}
	// A PKCS#12 file is encrypted even when its password is empty.
	info := Info{Container: ContainerPKCS12, Encoding: "DER", Encrypted: true}
	if err := describeKey(&info, signer); err != nil {
		return nil, err
	}
	return &PKCS12{Key: &Key{Signer: signer, Info: info}, Cert: cert, CACerts: cas}, nil
}

// maxIterationsIn returns the largest iteration count among data's visible PBE, PBKDF2
// and MAC parameters: every INTEGER that follows an OCTET STRING (a salt) in a
// SEQUENCE, looking into OCTET STRINGs that hold DER, depth levels deep. Encrypted
// layers are not looked into.
func maxIterationsIn(der []byte, depth int) uint64 {
	var max uint64
	var walk func(s cryptobyte.String, depth int)
	walk = func(s cryptobyte.String, depth int) {
		afterSalt := false
		for !s.Empty() {
			var elem cryptobyte.String
			var tag cbasn1.Tag
			if !s.ReadAnyASN1(&elem, &tag) {
				return
			}
			switch {
			case tag == cbasn1.INTEGER && afterSalt:
				// elem holds the INTEGER's contents, without its tag and length.
				n := integerContents(elem)
				if n > max {
					max = n
				}
			case tag&0x20 != 0: // constructed: SEQUENCE, SET, [n] EXPLICIT
				walk(elem, depth)
			case tag == cbasn1.OCTET_STRING && depth > 0:
				walk(elem, depth-1)
			}
			afterSalt = tag == cbasn1.OCTET_STRING
		}
	}
	walk(cryptobyte.String(der), depth)
	return max
}

// integerContents reads the contents of a DER INTEGER as an unsigned number; one
// that is negative or does not fit in 64 bits reads as the largest: surely too many
// iterations.
func integerContents(c []byte) uint64 {
	if len(c) > 0 && c[0]&0x80 != 0 {
		return ^uint64(0)
	}
	for len(c) > 1 && c[0] == 0 {
		c = c[1:]
	}
	if len(c) > 8 {
		return ^uint64(0)
	}
	var n uint64
	for _, b := range c {
		n = n<<8 | uint64(b)
	}
	return n
}

// MarshalPKCS12 returns key, its certificate and CA certificates as a PKCS#12 file
// protected by password, for clients that want one: the JDBC driver (sslkey= a .p12
// file) and .NET. Modern files use PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256 and
// an HMAC-SHA256 MAC, which OpenSSL 1.1.1 and later, Java 12 and later and Windows
// Server 2019 read, with DefaultIterations (not the 2048 of openssl's default: the
// same reasoning as for pgcert's PKCS#8 keys); legacy files (legacy set) use 3DES and
// a SHA-1 MAC for older readers, at the iteration count they expect. rnd gives the
// salts; nil means crypto/rand.
func MarshalPKCS12(key crypto.Signer, cert *x509.Certificate, cas []*x509.Certificate, password string, legacy bool, rnd io.Reader) ([]byte, error) {
	enc := pkcs12.Modern2023.WithIterations(DefaultIterations)
	if legacy {
		enc = pkcs12.LegacyDES
	}
	if rnd != nil {
		enc = enc.WithRand(rnd)
	}
	out, err := enc.Encode(key, cert, cas, password)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return out, nil
}
