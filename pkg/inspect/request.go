package inspect

import (
	"crypto/x509"

	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Request describes a PKCS#10 certificate signing request.
type Request struct {
	Subject   string `json:"subject"`
	SubjectDN string `json:"subject_dn"`
	// SANs are the subject alternative names the request asks for.
	SANs               SANs      `json:"sans"`
	PublicKey          PublicKey `json:"public_key"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	// SignatureValid reports whether the request is signed by the key it carries,
	// which proves that its sender holds the private key (`openssl req -verify`).
	SignatureValid bool `json:"signature_valid"`
}

func describeRequest(csr *x509.CertificateRequest) *Request {
	return &Request{
		Subject:            subjectName(csr.RawSubject),
		SubjectDN:          rfc2253Name(csr.RawSubject),
		SANs:               makeSANs(csr.DNSNames, csr.IPAddresses, csr.EmailAddresses, csr.URIs),
		PublicKey:          describePublicKey(csr.PublicKey, csr.PublicKeyAlgorithm, csr.RawSubjectPublicKeyInfo),
		SignatureAlgorithm: csr.SignatureAlgorithm.String(),
		SignatureValid:     selfsign.CheckRequestSignature(csr) == nil,
	}
}
