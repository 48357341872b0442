package ca

import (
	"errors"
	"fmt"
	"io/fs"
	"math/big"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
)

// ReadCRLNumberFile is ReadCRLNumber with its failures told for a person: a
// missing file (with the command that starts numbering at 1), a file that holds
// no number, a file that cannot be read.
func ReadCRLNumberFile(path string, explicit bool) (*big.Int, bool, error) {
	n, created, err := ReadCRLNumber(path, explicit)
	var sfe *SerialFileError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, hint.Errorf([]string{fmt.Sprintf("check the path; to start numbering at 1: echo 01 > %s", path)}, "%s: no such file", path)
	case errors.As(err, &sfe):
		return nil, false, hint.With(fmt.Errorf("%s: %w", path, sfe.Err), "a crlnumber file holds one number in hexadecimal, such as 01, as openssl ca writes it")
	case err != nil:
		return nil, false, hint.Input(path, err)
	}
	return n, created, nil
}

// CRLFiles names the files of a CRL signed from a list (SignIndexCRL or
// SignSerialsCRL), for messages: the list (Index or Serials) and the CA's
// certificate and key.
type CRLFiles struct {
	Index   string
	Serials string
	CACert  string
	CAKey   string
}

// ExplainSigner tells a failure of CRLSigner for a person, naming the files.
func (f CRLFiles) ExplainSigner(err error) error {
	if errors.Is(err, ErrNotSignerCA) {
		return hint.Errorf([]string{"give the certificate of the CA that issued the revoked certificates"},
			"%s is not a CA certificate (basicConstraints CA:TRUE is missing): OpenSSL refuses the CRLs it signs", f.CACert)
	}
	return hint.Errorf([]string{"give the CA certificate and the private key of the same CA"},
		"%s does not belong to the certificate in %s", f.CAKey, f.CACert)
}

// Explain tells a failure of SignIndexCRL or SignSerialsCRL for a person: the
// file at fault, and what a line of it or the CA certificate should hold.
func (f CRLFiles) Explain(err error) error {
	var scanErr *IndexScanError
	switch {
	case errors.As(err, &scanErr) && f.Serials != "":
		return hint.Errorf([]string{"one revoked certificate a line: SERIAL (hexadecimal) [TIME] [REASON]"}, "%s: %v; nothing was written", f.Serials, scanErr.Err)
	case errors.As(err, &scanErr):
		return ExplainIndex(f.Index, scanErr.Err)
	case errors.Is(err, crl.ErrNotCRLSigner):
		return hint.With(fmt.Errorf("%s: %w", f.CACert, err), "OpenSSL refuses a CRL signed by a CA without cRLSign; reissue the CA certificate with keyUsage keyCertSign, cRLSign")
	case errors.Is(err, crl.ErrNoSubjectKeyID):
		return hint.With(fmt.Errorf("%s: %w", f.CACert, err), "reissue the CA certificate with subjectKeyIdentifier = hash, as openssl and pgcert make them")
	case errors.Is(err, crl.ErrUnsupportedKey):
		return fmt.Errorf("%s: %w", f.CAKey, err)
	}
	return fmt.Errorf("%s: %w", f.Index, err)
}

// ExplainIndex names the index at path in an error reading it, and says what a
// line of it holds.
func ExplainIndex(path string, err error) error {
	var ie *IndexError
	var dup *crl.DuplicateSerialError
	switch {
	case errors.As(err, &dup):
		return hint.With(fmt.Errorf("%s: %w", path, err), "a certificate is listed as revoked twice; remove one of the lines")
	case errors.As(err, &ie):
		return hint.With(fmt.Errorf("%s: %w", path, err),
			"an index line holds six tab-separated fields: status (V, R or E), expiry, revocation, serial, file name and subject, as openssl ca writes them")
	}
	return fmt.Errorf("reading %s: %w", path, err)
}
