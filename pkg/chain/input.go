package chain

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
)

// Input is a certificate together with the name of the file it was read from, so that
// every message about it can say where it came from.
type Input struct {
	Cert *x509.Certificate
	File string
}

// ReadInputs parses data with ParseCertificates and tags every certificate with file.
// Errors are prefixed with the file name and still match ErrNoCertificates and
// *ParseError with errors.Is and errors.As.
func ReadInputs(file string, data []byte) ([]Input, error) {
	certs, err := ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return Inputs(file, certs), nil
}

// Inputs tags each certificate with file.
func Inputs(file string, certs []*x509.Certificate) []Input {
	out := make([]Input, len(certs))
	for i, c := range certs {
		out[i] = Input{Cert: c, File: file}
	}
	return out
}

// String names the certificate as messages do: its subject, then the file in
// parentheses, e.g. `CN=db.example.com (server.crt)`.
func (in Input) String() string {
	name := Subject(in.Cert)
	if len(name) > maxNameShown {
		// A subject of absurd size is named by its start and size, so that a
		// message about it stays a message.
		name = fmt.Sprintf("%s... (a subject of %d bytes)", strings.ToValidUTF8(name[:maxNameShown], ""), len(name))
	}
	if in.File == "" {
		return name
	}
	return name + " (" + in.File + ")"
}

// maxNameShown is how much of a subject Input.String shows.
const maxNameShown = 200

// Subject renders the certificate's subject in RFC 2253 form (the order `openssl x509
// -nameopt RFC2253` prints), or, for an empty subject, says so and gives the serial
// number, which is then the only thing that tells certificates apart.
func Subject(cert *x509.Certificate) string {
	if s := cert.Subject.String(); s != "" {
		return s
	}
	return "empty subject, serial " + Serial(cert)
}

// Serial returns the serial number as upper-case hex without separators, as `openssl
// x509 -serial` prints it.
func Serial(cert *x509.Certificate) string {
	if cert.SerialNumber == nil {
		return ""
	}
	b := cert.SerialNumber.Bytes()
	if len(b) == 0 {
		b = []byte{0}
	}
	s := strings.ToUpper(hex.EncodeToString(b))
	if cert.SerialNumber.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// Fingerprint returns the SHA-256 fingerprint of the certificate's DER as colon-separated
// upper-case hex, the form `openssl x509 -fingerprint -sha256` prints.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return colonHex(sum[:])
}

func colonHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02X", c)
	}
	return sb.String()
}
