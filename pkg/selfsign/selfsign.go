package selfsign

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"time"
)

// SelfSign makes a self-signed server certificate from a request, as
// `openssl req -x509 -in server.req -key server.key` does, and returns it as
// DER: the request's subject (byte for byte) and SANs (or its Common Name,
// by Build's rule), the ServerLeaf profile, valid from now minus Backdate for
// days days (DefaultServerDays when days is 0).
//
// The certificate doubles as the client's root.crt: `openssl verify -CAfile
// server.crt server.crt` accepts it, with every OpenSSL from 1.0.2 on,
// because it has an Authority Key Identifier equal to its Subject Key
// Identifier and no KeyUsage extension (see Build).
//
// The request's signature is checked (ErrBadRequestSignature) and key must
// be the private half of the request's public key (ErrKeyMismatch).
func SelfSign(req *x509.CertificateRequest, key crypto.Signer, days int, now time.Time, rand io.Reader) ([]byte, error) {
	if req == nil || key == nil {
		return nil, &SpecError{Reason: "no request or no key"}
	}
	if err := CheckRequestSignature(req); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequestSignature, err)
	}
	if !sameKey(key.Public(), req.PublicKey) {
		return nil, ErrKeyMismatch
	}
	return Build(Spec{
		Profile:    ServerLeaf,
		RawSubject: req.RawSubject,
		SANs:       RequestSANs(req),
		Now:        now,
		Days:       days,
		Rand:       rand,
	}, nil, key, req.PublicKey)
}
