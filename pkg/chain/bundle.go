// Package chain reads certificate bundles, orders certificates into the chain a
// PostgreSQL server sends (leaf first, then each issuer) and decides what the server
// and its clients would refuse in a server.crt (PlanServerChain), builds trusted-CA
// bundles, and verifies certificates with the rules libpq and the server apply.
package chain

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/keys"
)

// MaxBundleSize is the largest certificate file the readers accept. A trust bundle of
// every public root is about 250 KB; 16 MiB leaves room for any real pile of
// certificates while refusing to parse something that is plainly not one.
const MaxBundleSize = 16 << 20

// ErrNoCertificates is returned by ParseCertificates for input that holds no
// certificate at all.
var ErrNoCertificates = errors.New("no certificate found")

// ParseError says why a bundle could not be read. Block is the 1-based index of the PEM
// block (0 for DER input or for the input as a whole).
type ParseError struct {
	Block int
	Type  string
	Err   error
}

func (e *ParseError) Error() string {
	switch {
	case e.Block == 0:
		return e.Err.Error()
	case e.Type != "":
		return fmt.Sprintf("PEM block %d (%s): %v", e.Block, e.Type, e.Err)
	default:
		return fmt.Sprintf("PEM block %d: %v", e.Block, e.Err)
	}
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseCertificates reads every certificate in data, in file order. data is either PEM
// (any number of CERTIFICATE or TRUSTED CERTIFICATE blocks, with any text between and
// before them, as `openssl x509 -text` writes) or a single DER certificate.
//
// PEM blocks of other types (keys, requests, CRLs) are skipped, so a file that holds a
// key and its certificate still reads; a block that does not decode (a file cut short,
// bad base64) is an error, never skipped; a file with PEM blocks but no certificate gives
// ErrNoCertificates. Input without any PEM block is read as DER, even when it happens to
// contain the bytes "-----BEGIN" (a DER certificate may, inside a name). Duplicates are
// kept: ordering and deduplication are the callers' business, because each reports them
// differently.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if len(data) > MaxBundleSize {
		return nil, &ParseError{Err: fmt.Errorf("input is %d bytes, more than the %d a certificate bundle may hold", len(data), MaxBundleSize)}
	}
	var certs []*x509.Certificate
	blocks := 0
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		blocks++
		if block.Type != "CERTIFICATE" && block.Type != "TRUSTED CERTIFICATE" {
			continue
		}
		cert, err := ParseCertificateBlock(block)
		if err != nil {
			return nil, &ParseError{Block: blocks, Type: block.Type, Err: err}
		}
		certs = append(certs, cert)
	}
	if blocks == 0 {
		return parseDER(data)
	}
	// pem.Decode passes over a block it cannot decode as if it were text: a bundle
	// cut short, or with a damaged block in the middle, would lose a certificate
	// without a word.
	if begins := pemBegins(data); begins > blocks {
		return nil, &ParseError{Err: fmt.Errorf("%d of %d PEM blocks do not decode (cut short, or bad base64)", begins-blocks, begins)}
	}
	if len(certs) == 0 {
		return nil, ErrNoCertificates
	}
	return certs, nil
}

// pemBegins counts the lines of data that start a PEM block.
func pemBegins(data []byte) int {
	n := 0
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		if bytes.HasPrefix(line, []byte("-----BEGIN ")) {
			n++
		}
		data = rest
	}
	return n
}

// ParseCertificateBlock reads the certificate of one PEM block: its DER, or for a
// TRUSTED CERTIFICATE block only the certificate, without the trust settings OpenSSL
// appends after it. The label is not checked otherwise, so that a caller may accept
// others ("X509 CERTIFICATE", which old tools wrote).
func ParseCertificateBlock(block *pem.Block) (*x509.Certificate, error) {
	der := block.Bytes
	if block.Type == "TRUSTED CERTIFICATE" {
		// The certificate's own DER length says where it ends.
		var err error
		if der, err = firstDERElement(der); err != nil {
			return nil, err
		}
	}
	return keys.ParseCertificate(der)
}

// parseDER reads input that holds no PEM block as one DER certificate.
func parseDER(data []byte) ([]*x509.Certificate, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrNoCertificates
	}
	cert, err := keys.ParseCertificate(data)
	if err == nil {
		return []*x509.Certificate{cert}, nil
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return nil, &ParseError{Err: errors.New("a PEM block that does not decode (bad base64, or no END line)")}
	}
	return nil, &ParseError{Err: fmt.Errorf("neither PEM nor a DER certificate: %w", err)}
}

// firstDERElement returns the first complete DER TLV in b.
func firstDERElement(b []byte) ([]byte, error) {
	if len(b) < 2 {
		return nil, errors.New("truncated DER")
	}
	length := int(b[1])
	header := 2
	if length&0x80 != 0 {
		n := length & 0x7f
		if n == 0 || n > 4 || len(b) < 2+n {
			return nil, errors.New("bad DER length")
		}
		length = 0
		for _, c := range b[2 : 2+n] {
			length = length<<8 | int(c)
		}
		header += n
	}
	if length < 0 || header+length > len(b) {
		return nil, errors.New("truncated DER")
	}
	return b[:header+length], nil
}
