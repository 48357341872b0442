package keys

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Names of the containers and encodings, as Info reports them.
const (
	ContainerPKCS8 = "PKCS#8"
	ContainerPKCS1 = "PKCS#1"
	ContainerSEC1  = "SEC1"

	EncodingPEM = "PEM"
	EncodingDER = "DER"
)

// protection says how the key bytes found in the input are encrypted.
type protection int

const (
	unencrypted protection = iota
	// encryptedPKCS8 is an EncryptedPrivateKeyInfo (RFC 5958): PBES1 or PBES2.
	encryptedPKCS8
	// legacyPEM is OpenSSL's traditional PEM encryption: "Proc-Type: 4,ENCRYPTED".
	legacyPEM
)

// rawKey is the private key found in the input, before any decryption.
type rawKey struct {
	encoding   string
	container  string
	protection protection
	// der is the plaintext key, the EncryptedPrivateKeyInfo, or the legacy PEM
	// ciphertext, depending on protection.
	der []byte
	// pemType and headers are those of the PEM block, if the input is PEM.
	pemType string
	headers map[string]string
}

// privateKeyPEMTypes maps the PEM labels of the private keys pgcert reads to their
// container.
var privateKeyPEMTypes = map[string]string{
	"PRIVATE KEY":           ContainerPKCS8,
	"ENCRYPTED PRIVATE KEY": ContainerPKCS8,
	"RSA PRIVATE KEY":       ContainerPKCS1,
	"EC PRIVATE KEY":        ContainerSEC1,
}

// findKey locates the private key in data, PEM or DER, or says what data is instead.
func findKey(data []byte) (*rawKey, error) {
	if len(data) > MaxInputSize {
		return nil, &LimitError{What: "input size", Value: uint64(len(data)), Limit: MaxInputSize, Unit: "bytes"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FormatError{Found: "empty input", Err: errors.New("no private key")}
	}
	labels := pemLabels(data)
	if len(labels) == 0 {
		return findDERKey(data)
	}
	label := ""
	for _, l := range labels {
		if strings.HasSuffix(l, "PRIVATE KEY") {
			label = l
			break
		}
	}
	if label == "" {
		return nil, describePEMLabel(labels[0])
	}
	if label == "OPENSSH PRIVATE KEY" {
		return nil, describeOpenSSH(pemBlock(data, label))
	}
	container, ok := privateKeyPEMTypes[label]
	if !ok {
		return nil, describePEMLabel(label)
	}
	block := pemBlock(data, label)
	if block == nil {
		return nil, &FormatError{
			Found: fmt.Sprintf("a PEM block %q", label),
			Err:   errors.New("malformed PEM: bad base64, bad headers or no END line"),
		}
	}
	k := &rawKey{
		encoding:  EncodingPEM,
		container: container,
		der:       block.Bytes,
		pemType:   block.Type,
		headers:   block.Headers,
	}
	switch {
	case block.Type == "ENCRYPTED PRIVATE KEY":
		k.protection = encryptedPKCS8
	case block.Headers["Proc-Type"] != "":
		k.protection = legacyPEM
	case block.Type == "PRIVATE KEY" && classifyDER(block.Bytes) == derEncryptedPKCS8:
		// Some tools label an EncryptedPrivateKeyInfo "PRIVATE KEY"; its contents
		// leave no doubt about what it is.
		k.protection = encryptedPKCS8
	}
	return k, nil
}

// pemLabels returns the labels of the "-----BEGIN label-----" lines in data, in order.
// It looks at lines rather than decoding blocks so that it can name what a file holds
// even when the blocks themselves are not valid PEM (OpenPGP armour, truncated files).
func pemLabels(data []byte) []string {
	const begin = "-----BEGIN "
	var labels []string
	for line := range bytes.Lines(data) {
		// Trailing blanks are allowed, as encoding/pem allows them.
		line = bytes.TrimRight(line, " \t\r\n")
		rest, ok := bytes.CutPrefix(line, []byte(begin))
		if !ok {
			continue
		}
		label, ok := bytes.CutSuffix(rest, []byte("-----"))
		if !ok {
			continue
		}
		labels = append(labels, string(label))
	}
	return labels
}

// pemBlock returns the first well-formed PEM block of type label in data.
func pemBlock(data []byte, label string) *pem.Block {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil
		}
		if block.Type == label {
			return block
		}
	}
}

// findDERKey reads data as a single DER structure and returns it if it is a private
// key, or says what it is instead.
func findDERKey(data []byte) (*rawKey, error) {
	k := &rawKey{encoding: EncodingDER, der: data}
	switch kind := classifyDER(data); kind {
	case derPKCS8:
		k.container = ContainerPKCS8
	case derEncryptedPKCS8:
		k.container = ContainerPKCS8
		k.protection = encryptedPKCS8
	case derPKCS1:
		k.container = ContainerPKCS1
	case derSEC1:
		k.container = ContainerSEC1
	case derNone:
		return nil, describeText(data)
	default:
		return nil, describeDER(kind, data)
	}
	return k, nil
}
