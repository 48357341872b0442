package keys

import (
	"crypto"
	"errors"
)

// PassphraseFunc returns the passphrase of an encrypted key. Parse calls it only when
// the key is encrypted and its encryption is one pgcert can undo, so a caller can
// prompt lazily and never asks for a passphrase it does not need.
type PassphraseFunc func() ([]byte, error)

// Key is a private key read by Parse.
type Key struct {
	// Signer is the key: *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey.
	Signer crypto.Signer
	// Info describes the key as it was stored, algorithm and fingerprint included.
	Info Info
}

// Parse reads a private key, PEM or DER:
//
//   - unencrypted PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") and SEC1
//     ("EC PRIVATE KEY"), in PEM or DER; other PEM blocks around the key (an
//     "EC PARAMETERS" block, certificates) are skipped;
//   - encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", or DER): PBES2 with PBKDF2
//     (HMAC-SHA1/224/256/384/512) or scrypt, and AES-128/192/256-CBC, DES-EDE3-CBC or
//     DES-CBC; PBES1 with pbeWithSHAAnd3-KeyTripleDES-CBC and
//     pbeWithSHAAnd2-KeyTripleDES-CBC (PKCS#12 KDF), pbeWithMD5AndDES-CBC and
//     pbeWithSHA1AndDES-CBC (PBKDF1);
//   - legacy OpenSSL PEM encryption ("Proc-Type: 4,ENCRYPTED") with DES-CBC,
//     DES-EDE3-CBC or AES-128/192/256-CBC;
//   - the key of a PKCS#12 (PFX) file (see ParsePKCS12).
//
// pass is called only for an encrypted key, after its parameters have been checked;
// its error is returned unchanged. A nil pass makes an encrypted key fail with
// ErrPassphraseRequired. A wrong passphrase gives ErrIncorrectPassphrase.
//
// Input that is not such a key gives a *FormatError naming what it is (a
// certificate, an OpenSSH or PuTTY key, an unsupported cipher...); a key
// of another algorithm gives an *UnsupportedAlgorithmError, an RSA key below 1024
// bits (which crypto/rsa will not sign with) a *KeySizeError; input over MaxInputSize,
// or encryption asking for more work than MaxIterations, MaxScryptMemory or
// MaxScryptCost allow, gives a *LimitError.
func Parse(data []byte, pass PassphraseFunc) (*Key, error) {
	return parse(data, pass, defaultLimits)
}

func parse(data []byte, pass PassphraseFunc, lim limits) (*Key, error) {
	if IsPKCS12(data) {
		p, err := parsePKCS12(data, pass, lim)
		if err != nil {
			return nil, err
		}
		return p.Key, nil
	}
	k, err := findKey(data)
	if err != nil {
		return nil, err
	}
	ex, err := examine(k)
	if err != nil {
		return nil, err
	}
	if ex.sealed == nil {
		return &Key{Signer: ex.signer, Info: *ex.info}, nil
	}
	if err := ex.sealed.cost.check(lim); err != nil {
		return nil, err
	}
	if pass == nil {
		return nil, ErrPassphraseRequired
	}
	p, err := pass()
	if err != nil {
		return nil, err
	}
	der, err := ex.sealed.open(p)
	if err != nil {
		if errors.Is(err, ErrIncorrectPassphrase) {
			return nil, err
		}
		return nil, &FormatError{Found: describeContainer(k), Err: err}
	}
	signer, err := parsePlain(k.container, der)
	if err != nil {
		if !outlineMatches(k.container, der) {
			// The padding happened to be right (about one wrong passphrase in
			// 256) but the plaintext is not a key: still a wrong passphrase.
			return nil, ErrIncorrectPassphrase
		}
		// A well-formed key came out, so the passphrase was right; the key
		// itself is refused (another algorithm, an RSA key too small).
		return nil, wrapKeyError(k, err)
	}
	if err := describeKey(ex.info, signer); err != nil {
		return nil, err
	}
	return &Key{Signer: signer, Info: *ex.info}, nil
}

// outlineMatches reports whether der has the outline of a key in container. Random
// bytes from a wrong passphrase never do: they would have to form a complete DER
// SEQUENCE with the right leading elements, ending exactly where the padding begins.
func outlineMatches(container string, der []byte) bool {
	kind := classifyDER(der)
	switch container {
	case ContainerPKCS8:
		return kind == derPKCS8
	case ContainerPKCS1:
		return kind == derPKCS1
	case ContainerSEC1:
		return kind == derSEC1
	}
	return false
}

// examined is what can be learnt about a key without its passphrase.
type examined struct {
	info *Info
	// signer is the key when it is not encrypted; sealed is the key when it is.
	signer crypto.Signer
	sealed *sealedKey
}

// examine reads an unencrypted key, or the encryption parameters of an encrypted one.
func examine(k *rawKey) (*examined, error) {
	info := &Info{Container: k.container, Encoding: k.encoding}
	var (
		sealed *sealedKey
		err    error
	)
	switch k.protection {
	case unencrypted:
		signer, err := parsePlain(k.container, k.der)
		if err != nil {
			return nil, wrapKeyError(k, err)
		}
		if err := describeKey(info, signer); err != nil {
			return nil, err
		}
		return &examined{info: info, signer: signer}, nil
	case encryptedPKCS8:
		sealed, info.Encryption, err = parseEncryptedPKCS8(k.der)
	case legacyPEM:
		sealed, info.Encryption, err = parseLegacyPEM(k.headers, k.der)
		switch k.container {
		case ContainerPKCS1:
			info.Algorithm = "RSA"
		case ContainerSEC1:
			info.Algorithm = "ECDSA"
		}
	}
	if err != nil {
		return nil, wrapKeyError(k, err)
	}
	info.Encrypted = true
	return &examined{info: info, sealed: sealed}, nil
}

// wrapKeyError puts an error found inside a key into a *FormatError naming the key's
// container, with a hint for ciphers pgcert does not read. Unsupported algorithms
// and sizes are returned as they are: the container was fine.
func wrapKeyError(k *rawKey, err error) error {
	var unsupported *UnsupportedAlgorithmError
	var size *KeySizeError
	if errors.As(err, &unsupported) || errors.As(err, &size) {
		return err
	}
	fe := &FormatError{Found: describeContainer(k), Err: err}
	var cipherErr *UnsupportedCipherError
	if errors.As(err, &cipherErr) {
		fe.Hint = "re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -provider legacy -provider default -in KEY -out NEW.key"
	}
	return fe
}

// describeKey completes info with what the key itself says.
func describeKey(info *Info, signer crypto.Signer) error {
	fp, err := PublicKeyFingerprint(signer.Public())
	if err != nil {
		return err
	}
	info.Algorithm, info.Bits, info.Curve = DescribePublicKey(signer.Public())
	info.Fingerprint = fp
	return nil
}
