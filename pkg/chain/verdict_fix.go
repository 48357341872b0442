package chain

import (
	"fmt"
	"time"

	"github.com/pgcert/pgcert/internal/words"
)

// Fix says what to do about a verification failure of a certificate of purpose p:
// which file to correct, with which pgcert command.
func (e *VerifyError) Fix(p Purpose) string {
	c := e.Cert
	issuer := c.Cert.Issuer.String()
	rootsFile, peerFile := "the clients' root.crt", "server.crt"
	if p == PurposeClient {
		rootsFile, peerFile = "the server's ssl_ca_file", "the client's certificate file, after its certificate"
	}
	switch e.Reason {
	case UnableToGetIssuerCertLocally:
		return fmt.Sprintf("the issuer %s of %s is neither among the trusted roots nor sent along: append the intermediates to %s (pgcert chain) and put the root in %s (pgcert root)", issuer, c, peerFile, rootsFile)
	case UnableToGetIssuerCert:
		return fmt.Sprintf("%s is trusted but not a root: add its issuer %s, up to a self-signed root, to %s (pgcert root)", c, issuer, rootsFile)
	case DepthZeroSelfSignedCert:
		return fmt.Sprintf("%s is self-signed: trust it in %s (pgcert root --allow-leaf), or have it issued by a CA there", c, rootsFile)
	case SelfSignedCertInChain:
		return fmt.Sprintf("the chain ends at the root %s, which is not trusted: put it in %s (pgcert root)", c, rootsFile)
	case CertHasExpired:
		if e.Depth == 0 {
			return fmt.Sprintf("%s expired on %s: issue a new certificate", c, c.Cert.NotAfter.UTC().Format(time.DateOnly))
		}
		return fmt.Sprintf("the CA certificate %s expired on %s: get its current certificate", c, c.Cert.NotAfter.UTC().Format(time.DateOnly))
	case CertNotYetValid:
		return fmt.Sprintf("%s is valid from %s only: check the clocks of this machine and of the CA", c, c.Cert.NotBefore.UTC().Format(time.DateOnly))
	case InvalidCA:
		return fmt.Sprintf("%s may not issue certificates (it needs basicConstraints CA:TRUE and keyCertSign): get the right CA certificate", c)
	case PathLengthExceeded:
		return fmt.Sprintf("the pathlen of %s allows fewer intermediates below it: get a chain the CA's constraints allow", c)
	case InvalidPurpose:
		if p == PurposeClient {
			return fmt.Sprintf("%s is not for client authentication (extendedKeyUsage without clientAuth, or a keyUsage without digitalSignature): issue a client certificate (pgcert ca issue client)", c)
		}
		return fmt.Sprintf("%s is not for a TLS server (extendedKeyUsage without serverAuth, or a keyUsage that forbids it): issue a server certificate (pgcert ca issue server)", c)
	case CertRevoked:
		return fmt.Sprintf("%s is revoked by the CRL of %s: issue a new certificate", c, e.CRLIssuer)
	case UnableToGetCRL:
		return fmt.Sprintf("no CRL of %s among the --crl files: once any CRL is configured OpenSSL wants a current one from every CA of the chain, the root included (an empty one will do)", e.CRLIssuer)
	case CRLHasExpired:
		return fmt.Sprintf("the CRL of %s has passed its nextUpdate: publish a new one", e.CRLIssuer)
	case CRLNotYetValid:
		return fmt.Sprintf("the CRL of %s is not valid yet: check the clocks", e.CRLIssuer)
	case CRLSignatureFailure:
		return fmt.Sprintf("the CRL of %s does not verify with its CA's key: get the CRL the CA signed now", e.CRLIssuer)
	case KeyUsageNoCRLSign:
		return fmt.Sprintf("%s signs CRLs but its keyUsage lacks cRLSign: reissue the CA certificate", e.CRLIssuer)
	case CertSignatureFailure:
		return fmt.Sprintf("the signature of %s does not verify with its issuer's key: the certificate is damaged, or its CA was re-keyed under the same name", c)
	case EEKeyTooSmall:
		return fmt.Sprintf("the key of %s is too weak for OpenSSL's security level: issue a new certificate for an ECDSA P-256 or RSA 2048 key", c)
	case CAKeyTooSmall:
		return fmt.Sprintf("the CA key of %s is too weak for OpenSSL's security level: the CA needs a new key (ECDSA P-256 or RSA 2048) and the certificates below it reissued", c)
	case CertChainTooLong:
		return fmt.Sprintf("the chain above %s is longer than OpenSSL's 100 certificates: certificates that sign each other in a loop? keep only the real chain", c)
	case UnhandledCriticalCRLExtension:
		return fmt.Sprintf("the CRL of %s has a critical extension OpenSSL does not know: have the CA publish one without", e.CRLIssuer)
	case DifferentCRLScope:
		return fmt.Sprintf("the CRL of %s does not cover %s (its issuing distribution point limits it to CA or to end-entity certificates, or to a distribution point the certificate does not name): give the CA's full CRL", e.CRLIssuer, c)
	case CAMDTooWeak:
		return fmt.Sprintf("%s is signed with a weak digest (SHA-1 or MD5): reissue it with SHA-256", c)
	case UnhandledCriticalExtension:
		return fmt.Sprintf("%s has a critical extension OpenSSL does not know: reissue it without", c)
	}
	return fmt.Sprintf("OpenSSL cannot use %s: reissue it", c)
}

// Fix says what to do when libpq refuses the host name: a command that works when
// pasted.
func (h HostCheck) Fix() string {
	return fmt.Sprintf("connect with a name the certificate holds, or issue one that names %s (pgcert ca issue server --host %s)", h.Host, shellWord(h.Host))
}

// The shared words (internal/words) under the names this package uses.
var (
	shellWord = words.ShellWord
)
