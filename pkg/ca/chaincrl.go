package ca

import (
	"crypto/x509"
	"fmt"

	"github.com/pgcert/pgcert/pkg/crl"
)

// ChainCRLs makes a new CRL for every CA of c's chain (c first, then its parent up
// to the root, each under its own directory's lock, see GenerateCRL) and returns
// them as one file for ssl_crl_file or sslcrl, each CRL preceded by a comment naming
// its issuer, with a Summary of each. One CRL per CA, the root's included, because
// once any CRL is configured OpenSSL checks every CA of a chain against its CRL. The
// keys of every CA must be unlocked.
func (c *CA) ChainCRLs(o CRLOptions) ([]byte, []crl.Summary, error) {
	var lists []*x509.RevocationList
	var cas []*x509.Certificate
	var sums []crl.Summary
	for _, x := range c.CAs() {
		res, err := x.GenerateCRL(o)
		if err != nil {
			return nil, nil, fmt.Errorf("making the CRL of %s: %w", x.Dir, err)
		}
		parsed, err := crl.ParseCRLs(res.Signed.DER())
		if err != nil {
			return nil, nil, err
		}
		lists = append(lists, parsed...)
		cas = append(cas, x.Cert)
		for _, l := range parsed {
			sums = append(sums, crl.Summarize(l))
		}
	}
	m, err := crl.Merge(lists, cas, o.Now, false)
	if err != nil {
		return nil, nil, err
	}
	return m.PEM(), sums, nil
}
