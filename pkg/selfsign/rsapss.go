package selfsign

import (
	"crypto"
	"errors"

	"github.com/pgcert/pgcert/pkg/keys"
)

// ErrRSAPSSSigner refuses to sign with an RSA-PSS key (keys.RSAPSSKey, which
// keys.Parse reads): crypto/x509 would describe the key as rsaEncryption and
// ask it for a PKCS #1 v1.5 signature, which a PSS-only key cannot make, and
// OpenSSL would not pair such a certificate with the key. pkg/world builds
// RSA-PSS certificates by hand for the test PKI.
var ErrRSAPSSSigner = errors.New("selfsign: RSA-PSS keys are read, but pgcert does not sign requests or certificates with them; use an ECDSA or RSA key")

// checkSigner refuses signers Build and CreateRequest cannot use.
func checkSigner(s crypto.Signer) error {
	if _, ok := s.(*keys.RSAPSSKey); ok {
		return ErrRSAPSSSigner
	}
	return nil
}
