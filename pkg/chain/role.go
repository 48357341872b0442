package chain

import (
	"bytes"
	"crypto/x509"
)

// BundleRole is a trust bundle certificate's place in a hierarchy: a self-signed CA
// is a root, another CA an intermediate, and a self-signed certificate that may not
// sign others (CA:FALSE, or a keyUsage without keyCertSign: a server's self-signed
// certificate a client trusts itself) a leaf.
func BundleRole(in Input) Role {
	c := in.Cert
	switch {
	case !bytes.Equal(c.RawIssuer, c.RawSubject):
		return RoleIntermediate
	case c.BasicConstraintsValid && !c.IsCA, c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0:
		return RoleLeaf
	}
	return RoleRoot
}
