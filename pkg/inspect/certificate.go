package inspect

import (
	"bytes"
	"crypto/x509"
	"time"

	"github.com/pgcert/pgcert/pkg/keys"
)

// Certificate describes an X.509 certificate.
type Certificate struct {
	// Subject and Issuer are printed as openssl 3 prints them ("C = US, O = Acme,
	// CN = db"); SubjectDN is the RFC 2253 form the server matches with
	// clientname=DN ("CN=db,O=Acme,C=US").
	Subject   string `json:"subject"`
	SubjectDN string `json:"subject_dn"`
	Issuer    string `json:"issuer"`
	// SelfSigned reports that the issuer is the subject and the signature verifies
	// with the certificate's own key: a root, or a self-signed server certificate.
	SelfSigned bool `json:"self_signed"`
	// Serial is the serial number as lower-case hex bytes separated by colons, as
	// `openssl x509 -text` prints long serials.
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// Validity is "valid", "expired" or "not_yet_valid" at the time given to
	// Describe; DaysLeft is the number of whole days until NotAfter, as the
	// function DaysLeft counts them (0 on the last day; -1 a full day after).
	Validity string `json:"validity"`
	DaysLeft int    `json:"days_left"`
	SANs     SANs   `json:"sans"`
	// PublicKey is the certified key.
	PublicKey          PublicKey `json:"public_key"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	// KeyUsage and ExtKeyUsage list the usages by their RFC 5280 / openssl names
	// ("digitalSignature", "serverAuth"); empty when the extension is absent.
	KeyUsage    []string `json:"key_usage"`
	ExtKeyUsage []string `json:"extended_key_usage"`
	// BasicConstraints is nil when the extension is absent.
	BasicConstraints *BasicConstraints `json:"basic_constraints"`
	// SubjectKeyID and AuthorityKeyID are upper-case hex bytes separated by colons,
	// as openssl prints them; "" when absent.
	SubjectKeyID   string `json:"subject_key_id"`
	AuthorityKeyID string `json:"authority_key_id"`
	// SHA256Fingerprint is the SHA-256 of the DER certificate, as `openssl x509
	// -fingerprint -sha256` prints it.
	SHA256Fingerprint string `json:"sha256_fingerprint"`
}

// BasicConstraints is the basicConstraints extension.
type BasicConstraints struct {
	Critical bool `json:"critical"`
	CA       bool `json:"ca"`
	// PathLen is the pathLenConstraint; nil when there is none.
	PathLen *int `json:"path_len"`
}

// Validity states, as Certificate.Validity and CRL.Status report them.
const (
	Valid       = "valid"
	Expired     = "expired"
	NotYetValid = "not_yet_valid"
)

func describeCertificate(c *x509.Certificate, now time.Time) *Certificate {
	out := &Certificate{
		Subject:            subjectName(c.RawSubject),
		SubjectDN:          rfc2253Name(c.RawSubject),
		Issuer:             subjectName(c.RawIssuer),
		Serial:             formatSerial(c.SerialNumber),
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		Validity:           validity(c.NotBefore, c.NotAfter, now),
		DaysLeft:           DaysLeft(c.NotAfter, now),
		SANs:               makeSANs(c.DNSNames, c.IPAddresses, c.EmailAddresses, c.URIs),
		PublicKey:          describePublicKey(c.PublicKey, c.PublicKeyAlgorithm, c.RawSubjectPublicKeyInfo),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		KeyUsage:           keyUsage(c.KeyUsage),
		ExtKeyUsage:        extKeyUsage(c.ExtKeyUsage, c.UnknownExtKeyUsage),
		SubjectKeyID:       keyID(c.SubjectKeyId),
		AuthorityKeyID:     keyID(c.AuthorityKeyId),
		SHA256Fingerprint:  fingerprint(c.Raw),
	}
	out.SelfSigned = bytes.Equal(c.RawIssuer, c.RawSubject) &&
		keys.CheckSignature(c.Raw, c.SignatureAlgorithm, c.PublicKey) == nil
	if c.BasicConstraintsValid {
		bc := &BasicConstraints{CA: c.IsCA}
		for _, e := range c.Extensions {
			if e.Id.Equal(oidBasicConstraints) {
				bc.Critical = e.Critical
			}
		}
		if c.IsCA && (c.MaxPathLen > 0 || c.MaxPathLenZero) {
			n := c.MaxPathLen
			bc.PathLen = &n
		}
		out.BasicConstraints = bc
	}
	return out
}

// validity says where now falls in [notBefore, notAfter].
func validity(notBefore, notAfter, now time.Time) string {
	switch {
	case now.Before(notBefore):
		return NotYetValid
	case now.After(notAfter):
		return Expired
	}
	return Valid
}
