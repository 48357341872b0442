package ca

import (
	"crypto/x509"
	"fmt"
	"math/big"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

// ReasonFlag reads the --reason of ca revoke: "" is ReasonNone (no reason
// code in the CRL entry, as openssl ca -revoke without -crl_reason); a name
// ParseReason does not know is a usage error listing the ones it does.
func ReasonFlag(name string) (Reason, error) {
	if name == "" {
		return ReasonNone, nil
	}
	r, err := ParseReason(name)
	if err != nil {
		return ReasonNone, hint.Usagef("--reason %s: want one of keyCompromise, CACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, removeFromCRL, unspecified", name)
	}
	return r, nil
}

// SerialArg reads a serial number given on the command line with ParseSerial;
// anything else is a usage error.
func SerialArg(s string) (*big.Int, error) {
	n, ok := ParseSerial(s)
	if !ok {
		return nil, hint.Usagef("%q is not a serial number in hexadecimal (as pgcert ca list prints it)", s)
	}
	return n, nil
}

// RevokeTarget reads what ca revoke names: the certificates of certFile (read
// with readFile), the first being revoked, else the serial number (SerialArg).
func RevokeTarget(certFile, serial string, readFile func(string) ([]byte, error)) ([]*x509.Certificate, *big.Int, error) {
	if certFile == "" {
		n, err := SerialArg(serial)
		return nil, n, err
	}
	data, err := readFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", certFile, err)
	}
	return certs, nil, nil
}
