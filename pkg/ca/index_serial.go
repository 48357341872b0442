package ca

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
)

// MaxSerialBytes is the largest serial or CRL number the serial and crlnumber files
// may hold: RFC 5280 allows 20 octets for both.
const MaxSerialBytes = 20

// ErrBadSerialFile is wrapped by ParseSerialFile's errors.
var ErrBadSerialFile = errors.New("ca: malformed serial file")

// ParseSerialFile reads the number in an openssl `serial` or `crlnumber` file (also
// easy-rsa's pki/serial and pki/crlnumber): hex digits, an even number of them, on
// one line. Each file holds the next number to use, not the last one used.
//
// openssl's reader (a2i_ASN1_INTEGER) ignores whatever follows the hex digits on
// the line; this one refuses it, because a file that is not just a number was not
// written by openssl.
func ParseSerialFile(data []byte) (*big.Int, error) {
	s := bytes.TrimSpace(data)
	if len(s) < 2 || len(s)%2 != 0 {
		return nil, fmt.Errorf("%w: %q: want an even number of hex digits", ErrBadSerialFile, s)
	}
	b := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: %q is not hexadecimal", ErrBadSerialFile, s)
		}
		b = append(b, hi<<4|lo)
	}
	b = bytes.TrimLeft(b, "\x00")
	if len(b) > MaxSerialBytes {
		return nil, fmt.Errorf("%w: %d-byte number, more than the %d RFC 5280 allows", ErrBadSerialFile, len(b), MaxSerialBytes)
	}
	return new(big.Int).SetBytes(b), nil
}

// FormatSerialFile returns n as openssl writes a serial or crlnumber file: upper-case
// hex, an even number of digits ("00" for zero), and a newline.
func FormatSerialFile(n *big.Int) ([]byte, error) {
	if n == nil || n.Sign() < 0 {
		return nil, fmt.Errorf("%w: negative or missing number", ErrBadSerialFile)
	}
	if len(n.Bytes()) > MaxSerialBytes {
		return nil, fmt.Errorf("%w: %d-byte number, more than the %d RFC 5280 allows", ErrBadSerialFile, len(n.Bytes()), MaxSerialBytes)
	}
	return append(appendSerialHex(nil, n.Bytes()), '\n'), nil
}
