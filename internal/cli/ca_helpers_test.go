package cli

import (
	"crypto/x509/pkix"
	"encoding/asn1"
)

// cnRDN is the subject /CN=cn.
func cnRDN(cn string) pkix.RDNSequence {
	return pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn}}}
}
