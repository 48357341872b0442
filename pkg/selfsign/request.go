package selfsign

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/keys"
)

// MaxRequestSize is the largest input ParseRequest reads. A request is a few
// kilobytes even with a 16384-bit RSA key and the text dump openssl writes
// before it; a megabyte leaves room for hundreds of SANs while refusing to
// parse something that is plainly not a request.
const MaxRequestSize = 1 << 20

var (
	// ErrNoRequest is returned by ParseRequest for input holding no
	// certificate request.
	ErrNoRequest = errors.New("selfsign: no certificate request found")
	// ErrBadRequestSignature is returned (wrapped, with the reason) for a
	// request whose signature does not verify with its own public key, or
	// is made with a broken hash (MD2, MD5, SHA-1): the request does not
	// prove that its sender holds the private key.
	ErrBadRequestSignature = errors.New("selfsign: certificate request signature is invalid")
)

// NewRequest makes a PKCS#10 certificate signing request for signer's key
// with the given subject and SANs, and returns it as DER. When sans is empty,
// the request carries the subject's Common Name as a DNS or IP SAN (the rule
// every pgcert leaf follows); when the Common Name is not a host name either
// (a client certificate's role name), the request has no SAN. A request with
// neither subject nor SANs is refused with ErrNoName.
//
// The signature algorithm is SignatureAlgorithm's choice for the key; the
// request of an RSA-PSS key (keys.RSAPSSKey) names id-RSASSA-PSS as its key's
// algorithm, as openssl req writes it. rand nil means crypto/rand.Reader.
func NewRequest(signer crypto.Signer, subject pkix.RDNSequence, sans SANs, rand io.Reader) ([]byte, error) {
	if signer == nil {
		return nil, &KeyError{Reason: "no key"}
	}
	sigAlg, err := SignatureAlgorithm(signer.Public())
	if err != nil {
		return nil, err
	}
	der, err := MarshalSubject(subject)
	if err != nil {
		return nil, err
	}
	if sans, err = sans.checked(); err != nil {
		return nil, err
	}
	sans, _ = withCommonName(sans, commonName(der))
	if sans.Empty() && isEmptyName(der) {
		return nil, ErrNoName
	}
	tpl := &x509.CertificateRequest{
		RawSubject:         der,
		SignatureAlgorithm: sigAlg,
		DNSNames:           sans.DNS,
		IPAddresses:        sans.IP,
		EmailAddresses:     sans.Email,
		URIs:               sans.URI,
	}
	out, err := x509.CreateCertificateRequest(randOrDefault(rand), tpl, x509Signer(signer))
	if err != nil {
		return nil, fmt.Errorf("selfsign: signing the request: %w", err)
	}
	return withPublicKeyInfo(out, signer.Public(), signer, rand)
}

// ParseRequest reads a certificate signing request, PEM ("CERTIFICATE
// REQUEST", or "NEW CERTIFICATE REQUEST" as openssl req -newhdr and old
// Netscape tools write it; text before the block, as openssl req -text
// writes, is skipped; the first request block is used) or DER, and checks
// its signature. Errors: ErrNoRequest, ErrBadRequestSignature (wrapped), a
// *KeyError for an RSA key under MinRSABits (pgcert would not certify it, and
// Go cannot even check the signature of one under 1024 bits), or a
// malformed-request error.
func ParseRequest(data []byte) (*x509.CertificateRequest, error) {
	if len(data) > MaxRequestSize {
		return nil, fmt.Errorf("selfsign: input is %d bytes, more than the %d a certificate request may take", len(data), MaxRequestSize)
	}
	der := data
	if bytes.Contains(data, []byte("-----BEGIN")) {
		der = nil
		rest := data
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type == "CERTIFICATE REQUEST" || block.Type == "NEW CERTIFICATE REQUEST" {
				der = block.Bytes
				break
			}
		}
		if der == nil {
			return nil, ErrNoRequest
		}
	} else if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrNoRequest
	}
	csr, err := keys.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("selfsign: malformed certificate request: %w", err)
	}
	switch csr.SignatureAlgorithm {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return nil, fmt.Errorf("%w: signed with %v, a broken hash", ErrBadRequestSignature, csr.SignatureAlgorithm)
	}
	// Go refuses to verify with RSA keys under 1024 bits, which would make a
	// small key look like a forged request: the key's size is the reason.
	if k, ok := csr.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < MinRSABits {
		return nil, &KeyError{Reason: fmt.Sprintf("RSA key of %d bits; at least %d are needed", k.N.BitLen(), MinRSABits)}
	}
	if k, ok := csr.PublicKey.(*keys.RSAPSSPublicKey); ok && k.N.BitLen() < MinRSABits {
		return nil, &KeyError{Reason: fmt.Sprintf("RSA-PSS key of %d bits; at least %d are needed", k.N.BitLen(), MinRSABits)}
	}
	if err := CheckRequestSignature(csr); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequestSignature, err)
	}
	return csr, nil
}
