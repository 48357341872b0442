package crl

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// MaxCRLFileSize is the largest CRL file ParseCRLs and SplitCRLs accept: 256 MiB. A
// CRL of a million revocations with 128-bit serials is about 50 MB of DER and 68 MB
// of PEM, so this leaves room for several million while refusing to read something
// that cannot be a CRL file. Callers reading files should stop at this size too.
const MaxCRLFileSize = 256 << 20

// ErrNoCRL is returned for input that holds no CRL.
var ErrNoCRL = errors.New("crl: no CRL found")

// ParseError says why a CRL file could not be read. Block is the 1-based index of the
// PEM block, 0 for DER input or the input as a whole.
type ParseError struct {
	Block int
	Err   error
}

func (e *ParseError) Error() string {
	if e.Block == 0 {
		return "crl: " + e.Err.Error()
	}
	return fmt.Sprintf("crl: PEM block %d: %v", e.Block, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

var pemBegin = []byte("-----BEGIN " + pemType + "-----")

// SplitCRLs returns the DER of every CRL in data, in file order. data is either PEM,
// with any number of "X509 CRL" blocks and any text or other blocks around them (as
// `openssl crl -text` or a merged root.crl has), or one DER CRL. The DER is not
// parsed beyond checking that each is one DER SEQUENCE with nothing after it
// (crypto/x509 would ignore trailing bytes); a PEM "X509 CRL" block that does not decode is an error rather than being
// skipped, so that a damaged file is not mistaken for one with fewer CRLs.
func SplitCRLs(data []byte) ([][]byte, error) {
	if len(data) > MaxCRLFileSize {
		return nil, &ParseError{Err: fmt.Errorf("input is %d bytes, more than the %d a CRL file may hold", len(data), MaxCRLFileSize)}
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, ErrNoCRL
		}
		if !oneElement(data) {
			return nil, &ParseError{Err: errors.New("neither PEM nor a single DER CRL")}
		}
		return [][]byte{data}, nil
	}
	var ders [][]byte
	rest := data
	for n := 1; ; n++ {
		i := bytes.Index(rest, pemBegin)
		if i < 0 {
			break
		}
		block, after := pem.Decode(rest[i:])
		if block == nil || block.Type != pemType || len(block.Headers) != 0 {
			return nil, &ParseError{Block: n, Err: errors.New("malformed PEM block")}
		}
		if !oneElement(block.Bytes) {
			return nil, &ParseError{Block: n, Err: errors.New("not a single DER CRL")}
		}
		ders = append(ders, block.Bytes)
		rest = after
	}
	if len(ders) == 0 {
		return nil, ErrNoCRL
	}
	return ders, nil
}

// ParseCRLs reads every CRL in data (see SplitCRLs for the forms accepted) with
// crypto/x509, in file order. Go's parser keeps a struct per revoked entry, about
// 200 bytes each; for a very large CRL that only needs to be shown, Describe and
// ScanEntries use memory proportional to the file instead.
func ParseCRLs(data []byte) ([]*x509.RevocationList, error) {
	ders, err := SplitCRLs(data)
	if err != nil {
		return nil, err
	}
	pemInput := bytes.Contains(data, []byte("-----BEGIN"))
	crls := make([]*x509.RevocationList, 0, len(ders))
	for i, der := range ders {
		crl, err := ParseDER(der)
		if err != nil {
			block := i + 1
			if !pemInput {
				block = 0
			}
			return nil, &ParseError{Block: block, Err: err}
		}
		crls = append(crls, crl)
	}
	return crls, nil
}

// oneElement reports whether der is exactly one DER SEQUENCE.
func oneElement(der []byte) bool {
	s := cryptobyte.String(der)
	return s.SkipASN1(asn1.SEQUENCE) && s.Empty()
}
