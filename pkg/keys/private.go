package keys

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
)

// minReadRSABits is the smallest RSA key Parse returns: crypto/rsa parses smaller
// ones but refuses to sign with them, and a Signer that cannot sign is a trap.
const minReadRSABits = 1024

// parsePlain parses an unencrypted private key in the given container.
func parsePlain(container string, der []byte) (crypto.Signer, error) {
	var (
		signer crypto.Signer
		err    error
	)
	switch container {
	case ContainerPKCS8:
		signer, err = parsePKCS8(der)
	case ContainerSEC1:
		signer, err = parseSEC1(der)
	case ContainerPKCS1:
		if classifyDER(der) != derPKCS1 {
			return nil, errors.New("malformed PKCS#1 RSAPrivateKey")
		}
		signer, err = x509.ParsePKCS1PrivateKey(der)
	default:
		return nil, fmt.Errorf("unknown container %q", container)
	}
	if err != nil {
		return nil, err
	}
	if k, ok := signer.(*rsa.PrivateKey); ok && k.N.BitLen() < minReadRSABits {
		return nil, &KeySizeError{Bits: k.N.BitLen(), Min: minReadRSABits}
	}
	return signer, nil
}

// describeContainer names a private key container as the start of an error message.
func describeContainer(k *rawKey) string {
	var s string
	switch k.container {
	case ContainerPKCS8:
		s = "a PKCS#8 private key"
		if k.protection == encryptedPKCS8 {
			s = "an encrypted PKCS#8 private key"
		}
	case ContainerPKCS1:
		s = "a PKCS#1 RSA private key"
	case ContainerSEC1:
		s = "a SEC1 EC private key"
	}
	if k.protection == legacyPEM {
		s += " with PEM encryption"
	}
	if k.encoding == EncodingPEM {
		return fmt.Sprintf("%s (PEM block %q)", s, k.pemType)
	}
	return s + " (DER)"
}
