package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"errors"
	"fmt"
)

// blockCipher is a CBC cipher an encrypted key may use, named as openssl names it.
type blockCipher struct {
	name    string
	keySize int
	// blockSize is also the size of the IV in CBC mode.
	blockSize int
	newBlock  func(key []byte) (cipher.Block, error)
}

var (
	cipherAES128CBC = &blockCipher{"AES-128-CBC", 16, aes.BlockSize, aes.NewCipher}
	cipherAES192CBC = &blockCipher{"AES-192-CBC", 24, aes.BlockSize, aes.NewCipher}
	cipherAES256CBC = &blockCipher{"AES-256-CBC", 32, aes.BlockSize, aes.NewCipher}
	cipherDES3CBC   = &blockCipher{"DES-EDE3-CBC", 24, des.BlockSize, des.NewTripleDESCipher}
	cipherDESCBC    = &blockCipher{"DES-CBC", 8, des.BlockSize, des.NewCipher}
	// cipherDES2CBC is two-key triple DES (K1, K2, K1), used only by PKCS#12's
	// pbeWithSHAAnd2-KeyTripleDES-CBC.
	cipherDES2CBC = &blockCipher{"DES-EDE-CBC", 16, des.BlockSize, func(key []byte) (cipher.Block, error) {
		return des.NewTripleDESCipher(append(key[:16:16], key[:8]...))
	}}
)

// checkCiphertext refuses a ciphertext or IV of impossible length before any
// passphrase is asked for: that is a damaged file, not a wrong passphrase.
func (c *blockCipher) checkCiphertext(iv, ciphertext []byte) error {
	bs := c.blockSize
	if iv != nil && len(iv) != bs {
		return fmt.Errorf("%s IV is %d bytes, not %d", c.name, len(iv), bs)
	}
	if len(ciphertext) == 0 || len(ciphertext)%bs != 0 {
		return fmt.Errorf("%s ciphertext is %d bytes, not a positive multiple of %d", c.name, len(ciphertext), bs)
	}
	return nil
}

// decryptCBC decrypts and removes the PKCS#7 padding (RFC 5652 6.3). Wrong padding
// means a wrong key, hence a wrong passphrase: ErrIncorrectPassphrase.
func decryptCBC(c *blockCipher, key, iv, ciphertext []byte) ([]byte, error) {
	block, err := c.newBlock(key)
	if err != nil {
		return nil, err
	}
	if err := c.checkCiphertext(iv, ciphertext); err != nil {
		return nil, err
	}
	out := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, ciphertext)
	n := int(out[len(out)-1])
	if n == 0 || n > block.BlockSize() {
		return nil, ErrIncorrectPassphrase
	}
	for _, b := range out[len(out)-n:] {
		if int(b) != n {
			return nil, ErrIncorrectPassphrase
		}
	}
	return out[:len(out)-n], nil
}

// encryptCBC pads plaintext (PKCS#7) and encrypts it.
func encryptCBC(c *blockCipher, key, iv, plaintext []byte) ([]byte, error) {
	block, err := c.newBlock(key)
	if err != nil {
		return nil, err
	}
	if len(iv) != block.BlockSize() {
		return nil, errors.New("keys: IV size does not match the cipher")
	}
	n := block.BlockSize() - len(plaintext)%block.BlockSize()
	out := make([]byte, len(plaintext), len(plaintext)+n)
	copy(out, plaintext)
	for range n {
		out = append(out, byte(n))
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, out)
	return out, nil
}
