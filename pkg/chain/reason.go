package chain

// Reason is an OpenSSL certificate verification result (X509_V_ERR_*), numbered as
// OpenSSL numbers them, so that `openssl verify`'s "error 20 at 0 depth lookup" and
// pgcert agree on the number as well as the words.
type Reason int

// The verification results Verify can give. String returns OpenSSL 3.0's
// X509_verify_cert_error_string text, the words the server logs and `openssl verify`
// prints.
const (
	UnableToGetIssuerCert         Reason = 2
	UnableToGetCRL                Reason = 3
	CertSignatureFailure          Reason = 7
	CRLSignatureFailure           Reason = 8
	CertNotYetValid               Reason = 9
	CertHasExpired                Reason = 10
	CRLNotYetValid                Reason = 11
	CRLHasExpired                 Reason = 12
	DepthZeroSelfSignedCert       Reason = 18
	SelfSignedCertInChain         Reason = 19
	UnableToGetIssuerCertLocally  Reason = 20
	CertChainTooLong              Reason = 22
	CertRevoked                   Reason = 23
	PathLengthExceeded            Reason = 25
	InvalidPurpose                Reason = 26
	UnhandledCriticalExtension    Reason = 34
	KeyUsageNoCRLSign             Reason = 35
	UnhandledCriticalCRLExtension Reason = 36
	DifferentCRLScope             Reason = 44
	EEKeyTooSmall                 Reason = 66
	CAKeyTooSmall                 Reason = 67
	CAMDTooWeak                   Reason = 68
	// InvalidCA is 79 from OpenSSL 3.0 on; 1.1 reported the same failure as 24.
	InvalidCA Reason = 79
)

var reasonText = map[Reason]string{
	UnableToGetIssuerCert:         "unable to get issuer certificate",
	UnableToGetCRL:                "unable to get certificate CRL",
	CertSignatureFailure:          "certificate signature failure",
	CRLSignatureFailure:           "CRL signature failure",
	CertNotYetValid:               "certificate is not yet valid",
	CertHasExpired:                "certificate has expired",
	CRLNotYetValid:                "CRL is not yet valid",
	CRLHasExpired:                 "CRL has expired",
	DepthZeroSelfSignedCert:       "self-signed certificate",
	SelfSignedCertInChain:         "self-signed certificate in certificate chain",
	UnableToGetIssuerCertLocally:  "unable to get local issuer certificate",
	CertChainTooLong:              "certificate chain too long",
	CertRevoked:                   "certificate revoked",
	InvalidCA:                     "invalid CA certificate",
	PathLengthExceeded:            "path length constraint exceeded",
	InvalidPurpose:                "unsuitable certificate purpose",
	UnhandledCriticalExtension:    "unhandled critical extension",
	KeyUsageNoCRLSign:             "key usage does not include CRL signing",
	UnhandledCriticalCRLExtension: "unhandled critical CRL extension",
	DifferentCRLScope:             "different CRL scope",
	EEKeyTooSmall:                 "EE certificate key too weak",
	CAKeyTooSmall:                 "CA certificate key too weak",
	CAMDTooWeak:                   "CA signature digest algorithm too weak",
}

func (r Reason) String() string {
	if s, ok := reasonText[r]; ok {
		return s
	}
	return "unknown certificate verification error"
}

// Alert returns the TLS alert OpenSSL sends when verification fails for r
// (ssl_x509err2alert), in the words the other side's OpenSSL prints: a client whose
// certificate the server refuses sees "SSL error: tlsv1 alert unknown ca" and the like.
func (r Reason) Alert() string {
	switch r {
	case CertHasExpired, CRLHasExpired:
		return "sslv3 alert certificate expired"
	case CertRevoked:
		return "sslv3 alert certificate revoked"
	case InvalidPurpose:
		return "sslv3 alert unsupported certificate"
	case CertSignatureFailure, CRLSignatureFailure:
		return "tlsv1 alert decrypt error"
	case CertNotYetValid, CRLNotYetValid, EEKeyTooSmall, CAKeyTooSmall, CAMDTooWeak:
		return "sslv3 alert bad certificate"
	case UnableToGetIssuerCert, UnableToGetIssuerCertLocally, UnableToGetCRL,
		DepthZeroSelfSignedCert, SelfSignedCertInChain, CertChainTooLong, InvalidCA, PathLengthExceeded:
		return "tlsv1 alert unknown ca"
	}
	return "sslv3 alert certificate unknown"
}
