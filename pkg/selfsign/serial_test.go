package selfsign

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"io"
	"math/big"
	"testing"
)

var serialLimit = new(big.Int).Lsh(big.NewInt(1), 159)

// TestRandomSerialTopByte feeds all-ones: the top bit must be cleared, giving
// the largest possible serial, 2^159-1, which still encodes in 20 bytes.
func TestRandomSerialTopByte(t *testing.T) {
	n, err := RandomSerial(bytes.NewReader(bytes.Repeat([]byte{0xff}, 20)))
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).Sub(serialLimit, big.NewInt(1))
	if n.Cmp(want) != 0 {
		t.Errorf("serial from all-ones = %x, want 2^159-1", n)
	}
	if der, _ := asn1.Marshal(n); len(der) != 2+20 {
		t.Errorf("2^159-1 encodes as %d bytes (%x), want a 20-byte INTEGER", len(der), der)
	}
}

// TestRandomSerialSmallest checks that 0x80 00 .. 01 (top bit cleared: 1) is
// accepted as the smallest serial, 1.
func TestRandomSerialSmallest(t *testing.T) {
	in := make([]byte, 20)
	in[0], in[19] = 0x80, 0x01
	n, err := RandomSerial(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if n.Cmp(big.NewInt(1)) != 0 {
		t.Errorf("serial = %v, want 1", n)
	}
}

// TestRandomSerialRedrawsZero feeds a draw that is zero once the top bit is
// cleared, then a valid one: the zero must be thrown away.
func TestRandomSerialRedrawsZero(t *testing.T) {
	in := make([]byte, 40)
	in[0] = 0x80
	in[39] = 0x05
	n, err := RandomSerial(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if n.Cmp(big.NewInt(5)) != 0 {
		t.Errorf("serial = %v, want 5 (the second draw)", n)
	}
}

func TestRandomSerialBrokenReader(t *testing.T) {
	if _, err := RandomSerial(bytes.NewReader(make([]byte, 20*8))); err == nil {
		t.Error("RandomSerial over zeros succeeded, want an error")
	}
	if _, err := RandomSerial(bytes.NewReader(make([]byte, 19))); err == nil {
		t.Error("RandomSerial over 19 bytes succeeded, want an error")
	}
	if _, err := RandomSerial(io.LimitReader(rand.Reader, 0)); err == nil {
		t.Error("RandomSerial over an empty reader succeeded, want an error")
	}
}

// TestRandomSerialBounds draws many serials: each positive, below 2^159 and
// at most 20 bytes of DER content, and together they use every one of the
// 159 bits (so none is stuck, which would cut the entropy).
func TestRandomSerialBounds(t *testing.T) {
	seen := new(big.Int)
	for range 2000 {
		n, err := RandomSerial(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if n.Sign() <= 0 || n.Cmp(serialLimit) >= 0 {
			t.Fatalf("serial %x out of [1, 2^159)", n)
		}
		der, err := asn1.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(der)-2 > 20 {
			t.Fatalf("serial %x takes %d content bytes", n, len(der)-2)
		}
		seen.Or(seen, n)
	}
	if seen.BitLen() != 159 || seen.Cmp(new(big.Int).Sub(serialLimit, big.NewInt(1))) != 0 {
		t.Errorf("bits ever set: %x, want all 159", seen)
	}
}
