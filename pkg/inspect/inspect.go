// Package inspect describes the files of a PostgreSQL SSL set-up — certificates
// (every one of a bundle), certificate requests, CRLs, private keys (their public
// side only) and public keys, PEM or DER — as plain structs with stable JSON field
// names: what `pgcert show` prints.
//
// Nothing is decrypted and nothing is trusted: a certificate's signature is checked
// only against its own key (to say whether it is self-signed), a request's against
// the key it carries. Times are judged against the now the caller passes.
package inspect

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// Type is the kind of object found in a file.
type Type string

// The objects Describe recognises.
const (
	TypeCertificate Type = "certificate"
	TypeRequest     Type = "request"
	TypeCRL         Type = "crl"
	TypePrivateKey  Type = "private_key"
	TypePublicKey   Type = "public_key"
)

// Object is one thing found in a file. Exactly one of the pointers is set, the one
// Type names; the others are left out of the JSON.
type Object struct {
	Type Type `json:"type"`
	// Encoding is "PEM" or "DER".
	Encoding string `json:"encoding"`
	// PEMType is the label of the PEM block ("CERTIFICATE", "X509 CRL"), "" for DER.
	PEMType string `json:"pem_type"`

	Certificate *Certificate `json:"certificate,omitempty"`
	Request     *Request     `json:"request,omitempty"`
	CRL         *CRL         `json:"crl,omitempty"`
	// PrivateKey describes a private key without its secret: for an encrypted
	// PKCS#8 key, algorithm, size and fingerprint stay unknown (see keys.Inspect).
	PrivateKey *keys.Info `json:"private_key,omitempty"`
	PublicKey  *PublicKey `json:"public_key,omitempty"`
}

// Encodings, as Object.Encoding reports them.
const (
	EncodingPEM = "PEM"
	EncodingDER = "DER"
)

// UnrecognizedError is returned for input that holds nothing Describe reads. Found
// names what the input looks like instead, as well as pkg/keys can tell ("a PuTTY
// private key", "data that is neither PEM nor DER").
type UnrecognizedError struct {
	Found string
}

func (e *UnrecognizedError) Error() string {
	return "inspect: " + e.Found + ": not a certificate, certificate request, CRL or key"
}

// BlockError is a PEM block of a known type whose contents do not parse. Block is
// its 1-based position among the file's PEM blocks; 0 for DER input.
type BlockError struct {
	Block int
	Type  string
	Err   error
}

func (e *BlockError) Error() string {
	if e.Block == 0 {
		return fmt.Sprintf("inspect: malformed %s: %v", e.Type, e.Err)
	}
	return fmt.Sprintf("inspect: PEM block %d (%s): %v", e.Block, e.Type, e.Err)
}

func (e *BlockError) Unwrap() error { return e.Err }

// ErrUndecodablePEM is returned when a "-----BEGIN" line starts a block that does
// not decode (bad base64, a missing END line): showing the other blocks would hide
// that the file is damaged.
var ErrUndecodablePEM = errors.New("inspect: a PEM block does not decode (bad base64, bad headers or no END line)")

// Describe finds and describes every object in data, in file order. data is PEM —
// any number of blocks, with text around them as `openssl x509 -text` writes — or
// one DER object, whose type is recognised from its structure. PEM blocks of other
// types (EC PARAMETERS, say) are passed over; input with nothing Describe reads is
// an *UnrecognizedError, a recognised block that does not parse a *BlockError.
//
// now decides validity and days left. A CRL's entries are checked here, so that
// CRL.ScanEntries cannot fail later, but not kept: memory stays proportional to
// data however many entries a CRL lists.
func Describe(data []byte, now time.Time) ([]*Object, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		o, err := describeDER(data, now)
		if err != nil {
			return nil, err
		}
		return []*Object{o}, nil
	}
	var out []*Object
	begins := bytes.Count(data, []byte("-----BEGIN "))
	decoded := 0
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		decoded++
		o, err := describeBlock(block, now)
		if err != nil {
			return nil, &BlockError{Block: decoded, Type: block.Type, Err: err}
		}
		if o != nil {
			o.Encoding, o.PEMType = EncodingPEM, block.Type
			out = append(out, o)
		}
	}
	if decoded < begins {
		return nil, ErrUndecodablePEM
	}
	if len(out) == 0 {
		return nil, unrecognized(data)
	}
	return out, nil
}

// describeBlock describes one PEM block, or returns nil for a block of a type
// Describe passes over.
func describeBlock(block *pem.Block, now time.Time) (*Object, error) {
	switch block.Type {
	case "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE":
		cert, err := chain.ParseCertificateBlock(block)
		if err != nil {
			return nil, err
		}
		return &Object{Type: TypeCertificate, Certificate: describeCertificate(cert, now)}, nil
	case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
		csr, err := keys.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return nil, err
		}
		return &Object{Type: TypeRequest, Request: describeRequest(csr)}, nil
	case "X509 CRL":
		c, err := describeCRL(block.Bytes, now)
		if err != nil {
			return nil, err
		}
		return &Object{Type: TypeCRL, CRL: c}, nil
	case "PUBLIC KEY":
		pub, err := describePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		return &Object{Type: TypePublicKey, PublicKey: pub}, nil
	case "RSA PUBLIC KEY":
		pub, err := describePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		return &Object{Type: TypePublicKey, PublicKey: pub}, nil
	}
	if bytes.HasSuffix([]byte(block.Type), []byte("PRIVATE KEY")) {
		info, err := keys.Inspect(pem.EncodeToMemory(block))
		if err != nil {
			return nil, keyError(err)
		}
		return &Object{Type: TypePrivateKey, PrivateKey: info}, nil
	}
	return nil, nil
}

// describeDER recognises one DER object by trying each parser, the strictest
// structures first.
func describeDER(data []byte, now time.Time) (*Object, error) {
	if cert, err := keys.ParseCertificate(data); err == nil {
		return &Object{Type: TypeCertificate, Encoding: EncodingDER, Certificate: describeCertificate(cert, now)}, nil
	}
	if _, err := crl.Describe(data); err == nil {
		c, err := describeCRL(data, now)
		if err != nil {
			return nil, &BlockError{Type: "CRL", Err: err}
		}
		return &Object{Type: TypeCRL, Encoding: EncodingDER, CRL: c}, nil
	}
	if csr, err := keys.ParseCertificateRequest(data); err == nil {
		return &Object{Type: TypeRequest, Encoding: EncodingDER, Request: describeRequest(csr)}, nil
	}
	if info, err := keys.Inspect(data); err == nil {
		return &Object{Type: TypePrivateKey, Encoding: EncodingDER, PrivateKey: info}, nil
	}
	if pub, err := describePKIXPublicKey(data); err == nil {
		return &Object{Type: TypePublicKey, Encoding: EncodingDER, PublicKey: pub}, nil
	}
	return nil, unrecognized(data)
}

// unrecognized says what data is, as well as pkg/keys can tell.
func unrecognized(data []byte) error {
	_, err := keys.Inspect(data)
	var fe *keys.FormatError
	if errors.As(err, &fe) {
		return &UnrecognizedError{Found: fe.Found}
	}
	var ua *keys.UnsupportedAlgorithmError
	if errors.As(err, &ua) {
		return &UnrecognizedError{Found: "a private key of algorithm " + ua.Algorithm}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &UnrecognizedError{Found: "empty input"}
	}
	return &UnrecognizedError{Found: "unknown data"}
}

// keyError strips pkg/keys' prefix from a key's error, which BlockError's message
// already places, and keeps the *keys.FormatError (and its Hint) for errors.As.
func keyError(err error) error {
	var fe *keys.FormatError
	if errors.As(err, &fe) {
		return &keyFormatError{fe}
	}
	return err
}

type keyFormatError struct{ fe *keys.FormatError }

func (e *keyFormatError) Error() string {
	if e.fe.Err == nil {
		return e.fe.Found
	}
	return e.fe.Found + ": " + e.fe.Err.Error()
}

func (e *keyFormatError) Unwrap() error { return e.fe }
