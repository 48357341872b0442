package bootstrap

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// requestHint says which file a request is: the one a request maker writes.
const requestHint = "give the file pgcert req or openssl req -new wrote (-----BEGIN CERTIFICATE REQUEST-----)"

// ReadRequest parses the certificate request data read from path. Its errors
// name path and carry hints; ASN.1 details are given only for a PEM request
// block that does not parse, since other input is simply not a request.
func ReadRequest(path string, data []byte) (*x509.CertificateRequest, error) {
	req, err := selfsign.ParseRequest(data)
	if err == nil {
		return req, nil
	}
	msg := strings.TrimPrefix(err.Error(), "selfsign: ")
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		msg = "neither PEM nor a DER certificate request"
	}
	if e := RequestKeyError(path, err); e != nil {
		return nil, e
	}
	switch {
	case errors.Is(err, selfsign.ErrBadRequestSignature):
		return nil, hint.Errorf([]string{"the request was altered, or signed by another key than the one it carries; make it again with pgcert req"},
			"%s: %s", path, msg)
	case errors.Is(err, selfsign.ErrNoRequest):
		return nil, hint.Errorf([]string{requestHint}, "%s: not a certificate request: no CERTIFICATE REQUEST block", path)
	}
	return nil, hint.Errorf([]string{requestHint}, "%s: not a certificate request: %s", path, msg)
}

// RequestKeyError explains a request at path refused for its key (an RSA key
// too small to certify), or returns nil for other errors.
func RequestKeyError(path string, err error) error {
	var ke *selfsign.KeyError
	if !errors.As(err, &ke) {
		return nil
	}
	return hint.Errorf([]string{"make a new key and request with pgcert req --nopass --new-key server.key -o server.req (ECDSA P-256; --type rsa for RSA 2048)"},
		"%s: the request's key is too small: %s", path, ke.Reason)
}

// RequestError turns a selfsign error about a subject, SANs or key into a
// message without the package prefix, with a hint for a key selfsign refuses.
func RequestError(err error) error {
	var ke *selfsign.KeyError
	if errors.As(err, &ke) {
		return hint.Errorf([]string{"use an ECDSA (P-256, P-384), Ed25519 or RSA (2048 bits or more) key"}, "%s", strings.TrimPrefix(err.Error(), "selfsign: "))
	}
	return errors.New(strings.TrimPrefix(err.Error(), "selfsign: "))
}

// CheckWildcards refuses, unless force, host names with a wildcard over a whole
// top-level domain (*.com): libpq would take the certificate for any host there.
func CheckWildcards(sans selfsign.SANs, force bool) error {
	err := selfsign.CheckWildcards(sans)
	if err == nil || force {
		return nil
	}
	return hint.Errorf([]string{"name the hosts, or a wildcard under your own domain (*.example.com); add --force if you mean it"},
		"%s", strings.TrimPrefix(err.Error(), "selfsign: "))
}

// CertificateFile returns a certificate as PEM, after its text dump (as
// openssl x509 -text writes it) with text.
func CertificateFile(der []byte, text bool) ([]byte, error) {
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if !text {
		return out, nil
	}
	cert, err := keys.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return append([]byte(inspect.TextCertificate(cert)), out...), nil
}

// SignRequestOptions are the inputs of SignRequest: `pgcert selfsign --req`.
type SignRequestOptions struct {
	// Request is the parsed request read from RequestPath, and Key its
	// private key read from KeyPath; the paths name the files in errors.
	Request     *x509.CertificateRequest
	RequestPath string
	Key         crypto.Signer
	KeyPath     string
	// Output is the certificate file, replaced only with Force.
	Output string
	Force  bool
	// Days is the validity; Text writes the certificate's text dump before
	// its PEM block.
	Days int
	Text bool
	// Now is the clock (nil: time.Now), Rand the randomness of the serial
	// and signature (nil: crypto/rand), Owner the owner lookup (nil: DirOwner).
	Now   func() time.Time
	Rand  io.Reader
	Owner OwnerFunc
}

// SignRequest self-signs a request with its own key and writes the certificate,
// so that a request made for a CA can serve at once. Errors about the request
// name it and say how to make it again.
func SignRequest(o SignRequestOptions) (*CertResult, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	der, err := selfsign.SelfSign(o.Request, o.Key, o.Days, o.Now(), o.Rand)
	if err != nil {
		return nil, signRequestError(o.RequestPath, o.KeyPath, err)
	}
	data, err := CertificateFile(der, o.Text)
	if err != nil {
		return nil, err
	}
	r, err := WriteCertificate(o.Output, der, data, o.Force, o.Owner, o.Now())
	if err != nil {
		return nil, err
	}
	r.Days = o.Days
	return r, nil
}

// signRequestError explains why a request and key could not make a certificate.
func signRequestError(reqPath, keyPath string, err error) error {
	if errors.Is(err, selfsign.ErrKeyMismatch) {
		return hint.Errorf([]string{fmt.Sprintf("give with --key the private key %s was made with", reqPath)},
			"%s does not match %s: the request carries another public key", keyPath, reqPath)
	}
	var se *selfsign.SubjectError
	var sane *selfsign.SANError
	var spec *selfsign.SpecError
	if errors.As(err, &se) || errors.As(err, &sane) || errors.As(err, &spec) || errors.Is(err, selfsign.ErrNoHostName) {
		return hint.Errorf([]string{"make the request again with pgcert req, naming the server's host with --cn or --san"},
			"%s: %s", reqPath, strings.TrimPrefix(err.Error(), "selfsign: "))
	}
	return RequestError(err)
}

// WriteText writes the line `pgcert selfsign --req` prints: the file, the
// certificate's subject and names, and until when it is valid.
func (r *CertResult) WriteText(w io.Writer) error {
	cert := r.Certificate
	_, err := fmt.Fprintf(w, "wrote %s: %s, names %s, valid until %s (%s)\n", r.File.Path,
		cert.Subject, words.List(cert.SANs.Strings()), cert.NotAfter.Format(words.TimeLayout), words.Plural(r.Days, "day", "days"))
	return err
}
