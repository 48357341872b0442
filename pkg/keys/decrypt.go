package keys

import (
	"math/bits"
)

// sealedKey is an encrypted private key whose parameters have been read and checked
// for sanity, waiting for a passphrase.
type sealedKey struct {
	cipher     *blockCipher
	ciphertext []byte
	// derive turns the passphrase into the cipher's key and IV.
	derive func(pass []byte) (key, iv []byte, err error)
	cost   kdfCost
}

// open decrypts the key with pass and returns the plaintext DER, or
// ErrIncorrectPassphrase when the padding shows the passphrase is wrong.
func (s *sealedKey) open(pass []byte) ([]byte, error) {
	key, iv, err := s.derive(pass)
	if err != nil {
		return nil, err
	}
	return decryptCBC(s.cipher, key, iv, s.ciphertext)
}

// kdfCost is the work a key derivation asks for, checked against the limits before
// the passphrase is asked for, so that a person is not prompted for a key that will
// then be refused.
type kdfCost struct {
	iterations uint64
	// scryptN, scryptR and scryptP are zero for the iterated KDFs.
	scryptN, scryptR, scryptP uint64
}

func (c kdfCost) check(l limits) error {
	if c.iterations > l.iterations {
		return &LimitError{What: "KDF iteration count", Value: c.iterations, Limit: l.iterations}
	}
	if c.scryptN == 0 {
		return nil
	}
	// openssl's accounting (crypto/evp/pbe_scrypt.c): the V array of 128·r·(N+2)
	// bytes plus the B array of 128·r·p bytes.
	block := mulCapped(128, c.scryptR)
	mem := addCapped(mulCapped(block, addCapped(c.scryptN, 2)), mulCapped(block, c.scryptP))
	if mem > l.scryptMemory {
		return &LimitError{What: "scrypt memory", Value: mem, Limit: l.scryptMemory, Unit: "bytes"}
	}
	if cost := mulCapped(mulCapped(c.scryptN, c.scryptR), c.scryptP); cost > l.scryptCost {
		return &LimitError{What: "scrypt cost N·r·p", Value: cost, Limit: l.scryptCost}
	}
	return nil
}

// mulCapped and addCapped saturate at the largest uint64 instead of wrapping, so a
// hostile parameter cannot overflow its way under a limit.
func mulCapped(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

func addCapped(a, b uint64) uint64 {
	sum, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return ^uint64(0)
	}
	return sum
}
