package chain

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/hint"
)

// RootsError explains why BuildRoots refused a certificate for a trust bundle, with
// a hint saying what to give instead (with allowLeaf, as RootsOptions.AllowLeaf, no
// hint to allow a self-signed leaf); other errors are returned as they are.
func RootsError(err error, allowLeaf bool) error {
	var notCA *NotCAError
	if !errors.As(err, &notCA) {
		return err
	}
	hints := []string{"give only CA certificates; a server's chain goes into server.crt with pgcert chain"}
	if notCA.SelfSigned && !allowLeaf {
		hints = []string{"to trust this self-signed certificate itself (a client's root.crt for a server without a CA), add --allow-leaf"}
	}
	return hint.Errorf(hints, "%s is not a CA certificate (%s): OpenSSL would not let it anchor a chain", notCA.Cert, notCA.Reason)
}

// RootsWarning says what a warning of BuildRoots means for the connections that
// rely on the bundle.
func RootsWarning(err error) string {
	var expired *ExpiredError
	var soon *ExpiresSoonError
	var missing *MissingIssuerError
	switch {
	case errors.As(err, &expired) && expired.NotYetValid:
		return ErrorText(err) + ": OpenSSL refuses every chain through it until then (certificate is not yet valid)"
	case errors.As(err, &expired):
		return ErrorText(err) + ": OpenSSL refuses every chain through it (certificate has expired)"
	case errors.As(err, &soon):
		return ErrorText(err) + ": put its successor into the bundle before then"
	case errors.As(err, &missing):
		return fmt.Sprintf("%s is not a root and its issuer %s is not in the bundle: OpenSSL trusts a chain only up to a self-signed root, so it anchors nothing alone (unable to get issuer certificate); add the root", missing.Cert, missing.Issuer)
	}
	return ErrorText(err)
}
