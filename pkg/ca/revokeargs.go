package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"

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

// ReasonNames are the names of Reasons, as --reason takes them.
func ReasonNames() []string {
	names := make([]string, len(Reasons))
	for i, r := range Reasons {
		names[i] = r.String()
	}
	return names
}

// CheckRevokeArgs refuses a ca revoke command line that names no certificate
// or two: serials is the number of serial arguments, cert whether --cert was
// given. The caller makes the error a usage error for its command.
func CheckRevokeArgs(serials int, cert bool) error {
	switch {
	case serials > 1:
		return errors.New("give one serial number")
	case serials == 1 && cert:
		return errors.New("give a serial number or --cert, not both")
	case serials == 0 && !cert:
		return errors.New("give the serial number or --cert FILE of the certificate to revoke")
	}
	return nil
}

// RevokeNamedOptions say what RevokeNamed revokes: the certificate of
// CertFile (read with ReadFile), else Serial, with Reason, from the CA OpenCA
// opens, at Now.
type RevokeNamedOptions struct {
	CertFile, Serial string
	Reason           Reason
	ReadFile         func(path string) ([]byte, error)
	OpenCA           func() (*CA, error)
	Now              func() time.Time
}

// Revoked is what RevokeNamed did: the report of ca revoke (--json) and Next,
// what brings the revocation to the servers (NextAfterRevoke).
type Revoked struct {
	RevokeReport
	Next []string `json:"-"`
}

// RevokeNamed revokes what ca revoke names (RevokeTarget, RevokeWith).
func RevokeNamed(o RevokeNamedOptions) (*Revoked, error) {
	c, err := o.OpenCA()
	if err != nil {
		return nil, err
	}
	ro := RevokeOptions{CertFile: o.CertFile, Reason: o.Reason, Now: o.Now()}
	if ro.Certs, ro.Serial, err = RevokeTarget(o.CertFile, o.Serial, o.ReadFile); err != nil {
		return nil, err
	}
	rv, err := c.RevokeWith(ro)
	if err != nil {
		return nil, err
	}
	return &Revoked{RevokeReport: rv.Report(), Next: c.NextAfterRevoke()}, nil
}

// StepRecordFor returns the step-ca dataDir records, when a command's -D
// names the CA and --ca-dir (caDirFlag) does not: nil otherwise, and when the
// record names no step-ca.
func StepRecordFor(dataDir, caDirFlag string) *StepRecord {
	if dataDir == "" || caDirFlag != "" {
		return nil
	}
	rec, _ := ReadStepRecord(dataDir)
	return rec
}
