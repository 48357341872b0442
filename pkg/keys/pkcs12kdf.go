package keys

import (
	"hash"
	"unicode/utf16"
	"unicode/utf8"
)

// Diversifier IDs of the PKCS#12 KDF (RFC 7292 B.3).
const (
	pkcs12KeyID = 1
	pkcs12IVID  = 2
)

// pkcs12KDF is the PKCS#12 key derivation function (RFC 7292 appendix B.2), which
// the PKCS#12 PBE schemes use instead of PBKDF1/2. password is already BMP-encoded
// (bmpPassword).
func pkcs12KDF(h func() hash.Hash, password, salt []byte, id byte, iterations, size int) []byte {
	d := h()
	u := d.Size()
	v := d.BlockSize()

	// D: v copies of the ID byte. I: the salt, then the password, each repeated to a
	// whole number of v-byte blocks.
	D := make([]byte, v)
	for i := range D {
		D[i] = id
	}
	I := append(fill(salt, v), fill(password, v)...)

	out := make([]byte, 0, size+u)
	B := make([]byte, v)
	for len(out) < size {
		d.Reset()
		d.Write(D)
		d.Write(I)
		A := d.Sum(nil)
		for i := 1; i < iterations; i++ {
			d.Reset()
			d.Write(A)
			A = d.Sum(A[:0])
		}
		out = append(out, A...)
		if len(out) >= size {
			break
		}
		// B: A repeated to v bytes; each v-byte block of I becomes I_j + B + 1 mod
		// 2^(8v).
		for i := range B {
			B[i] = A[i%u]
		}
		for j := 0; j < len(I); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(I[j+k]) + int(B[k]) + carry
				I[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:size]
}

// fill repeats b to the smallest multiple of v bytes that holds it (nothing for an
// empty b).
func fill(b []byte, v int) []byte {
	if len(b) == 0 {
		return nil
	}
	n := (len(b) + v - 1) / v * v
	out := make([]byte, n)
	for i := range out {
		out[i] = b[i%len(b)]
	}
	return out
}

// bmpPassword encodes a passphrase as the PKCS#12 KDF wants it: big-endian UTF-16
// with two zero bytes at the end. As OpenSSL does (OPENSSL_utf82uni), UTF-8 input is
// converted to UTF-16, with surrogate pairs beyond the BMP, and any other byte string
// is taken as Latin-1, one byte per character; so keys that OpenSSL encrypted with a
// non-ASCII passphrase decrypt with the same passphrase here.
func bmpPassword(pass []byte) []byte {
	var units []uint16
	if utf8.Valid(pass) {
		units = utf16.Encode([]rune(string(pass)))
	} else {
		units = make([]uint16, len(pass))
		for i, b := range pass {
			units[i] = uint16(b)
		}
	}
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0)
}
