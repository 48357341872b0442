package selfsign

import (
	"errors"
	"fmt"
	"io"
	"math/big"
)

// serialBytes is the length of a random serial number. RFC 5280 section
// 4.1.2.2 allows at most 20 octets of DER INTEGER content; a positive number
// below 2^159 always fits, and 159 random bits are far above the 64 bits of
// entropy RFC 5280's successors and the CA/Browser Forum ask for to make
// serials unpredictable.
const serialBytes = 20

// RandomSerial returns a serial number drawn uniformly from [1, 2^159): 20
// bytes read from rand with the top bit cleared, so that the number is
// positive and its DER encoding never needs a 21st, sign-padding byte. Zero,
// which is not a valid serial, is drawn again.
func RandomSerial(rand io.Reader) (*big.Int, error) {
	buf := make([]byte, serialBytes)
	// A zero draw has probability 2^-159; eight in a row mean the reader is
	// broken, not unlucky.
	for range 8 {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, fmt.Errorf("selfsign: reading a random serial number: %w", err)
		}
		buf[0] &= 0x7f
		n := new(big.Int).SetBytes(buf)
		if n.Sign() > 0 {
			return n, nil
		}
	}
	return nil, errors.New("selfsign: the random source keeps returning zeros")
}
