package keys

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrIncorrectPassphrase is returned when an encrypted key does not decrypt with the
// passphrase given: the padding after decryption is wrong, or the decrypted bytes are
// not a private key. Both mean the same thing to the person typing the passphrase, so
// they are one error rather than a padding error and an ASN.1 error.
var ErrIncorrectPassphrase = errors.New("keys: incorrect passphrase")

// ErrPassphraseRequired is returned by Parse when the key is encrypted and the
// PassphraseFunc is nil, so a caller that cannot prompt can pass nil and report this.
var ErrPassphraseRequired = errors.New("keys: the key is encrypted and no passphrase was given")

// ErrEmptyPassphrase is returned when asked to encrypt a key with an empty passphrase,
// which would only look like protection.
var ErrEmptyPassphrase = errors.New("keys: empty passphrase")

// FormatError says that the input is not something pgcert can read as a private key,
// and names what it is instead.
type FormatError struct {
	// Found names what the input is, as a person would say it: "a certificate
	// (PEM block \"CERTIFICATE\")", "an OpenSSH private key", "empty input".
	Found string
	// Err says why it cannot be used.
	Err error
	// Hint, when not empty, is a command or step that makes the input usable.
	Hint string
}

func (e *FormatError) Error() string {
	if e.Err == nil {
		return "keys: " + e.Found
	}
	return "keys: " + e.Found + ": " + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }

// UnsupportedAlgorithmError is returned for a well-formed private key of an algorithm or
// curve pgcert does not use, such as Ed448, X25519, DSA or secp256k1.
type UnsupportedAlgorithmError struct {
	// Algorithm names the key type, e.g. "Ed448" or "ECDSA secp256k1".
	Algorithm string
}

func (e *UnsupportedAlgorithmError) Error() string {
	return "keys: unsupported key algorithm " + e.Algorithm
}

// UnsupportedCipherError is returned for an encrypted key whose encryption pgcert does
// not implement; Cipher names it as openssl does ("RC2-CBC", "CAMELLIA-256-CBC").
// It is the Err of a FormatError that names the container.
type UnsupportedCipherError struct {
	Cipher string
}

func (e *UnsupportedCipherError) Error() string {
	return "unsupported cipher " + e.Cipher
}

// LimitError is returned when the input asks for more than the parser allows: more
// bytes than MaxInputSize, more KDF iterations than MaxIterations, or scrypt
// parameters beyond MaxScryptMemory or MaxScryptCost. It protects callers from inputs
// made to hang them. Encrypting with more than MaxIterations gives one too, since
// pgcert could not read the result back.
type LimitError struct {
	// What is limited: "input size", "KDF iteration count", "scrypt memory" or
	// "scrypt cost N·r·p".
	What string
	// Value is what the input asked for; Limit is the most allowed.
	Value, Limit uint64
	// Unit, if any, follows the numbers ("bytes").
	Unit string
}

func (e *LimitError) Error() string {
	unit := ""
	if e.Unit != "" {
		unit = " " + e.Unit
	}
	return fmt.Sprintf("keys: %s %d%s exceeds the limit of %d%s", e.What, e.Value, unit, e.Limit, unit)
}

// OptionError is returned for a key type, curve or other option that is not one of the
// values pgcert offers, or that does not fit with the other options.
type OptionError struct {
	// Option is the option's name ("key type", "curve", "key size").
	Option string
	Value  string
	// Valid lists the accepted values, when the value is not one of them.
	Valid []string
	// Reason says why the value does not fit, when it is valid on its own.
	Reason string
}

func (e *OptionError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("keys: invalid %s %q: %s", e.Option, e.Value, e.Reason)
	}
	return fmt.Sprintf("keys: invalid %s %q (valid: %s)", e.Option, e.Value, strings.Join(e.Valid, ", "))
}

// KeySizeError is returned for an RSA key of a size pgcert does not handle: when asked
// to generate a size other than 2048, 3072 or 4096, or when reading a key smaller than
// crypto/rsa will use (1024 bits).
type KeySizeError struct {
	Bits int
	// Min is the smallest size allowed where the key was refused: MinRSABits when
	// generating, 1024 when reading.
	Min int
}

// Weak reports whether the refused size is too small to be safe, as opposed to merely
// not one of the sizes offered.
func (e *KeySizeError) Weak() bool { return e.Bits < e.Min }

func (e *KeySizeError) Error() string {
	if e.Weak() {
		return fmt.Sprintf("keys: RSA key size %d is too small (minimum %d bits)", e.Bits, e.Min)
	}
	sizes := make([]string, len(rsaSizes))
	for i, s := range rsaSizes {
		sizes[i] = strconv.Itoa(s)
	}
	return fmt.Sprintf("keys: RSA key size %d is not supported (valid: %s)", e.Bits, strings.Join(sizes, ", "))
}
