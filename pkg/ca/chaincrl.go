package ca

import (
	"bytes"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/crl"
)

// ChainCRL is the CRLs ChainCRLStream made, one per CA of a chain, ready to be
// written as one file. Each CRL is held as its builder holds it (a few dozen bytes an
// entry), never parsed back nor copied whole.
type ChainCRL struct {
	// CRLs holds the CRL of each CA of the chain, the issuing CA first.
	CRLs []*crl.Signed
}

// ChainCRLStream makes a new CRL for every CA of c's chain (c first, then its parent
// up to the root, each under its own directory's lock, see GenerateCRL). One CRL per
// CA, the root's included, because once any CRL is configured OpenSSL checks every
// CA of a chain against its CRL. The keys of every CA must be unlocked. It costs
// what crl gen --index costs, however many certificates the CAs revoked: the CRLs
// are written by ChainCRL.WriteTo as they are encoded.
func (c *CA) ChainCRLStream(o CRLOptions) (*ChainCRL, error) {
	out := &ChainCRL{}
	for _, x := range c.CAs() {
		res, err := x.GenerateCRL(o)
		if err != nil {
			return nil, fmt.Errorf("making the CRL of %s: %w", x.Dir, err)
		}
		out.CRLs = append(out.CRLs, res.Signed)
	}
	return out, nil
}

// WriteTo writes the CRLs as one file for ssl_crl_file or sslcrl, each CRL preceded
// by a comment naming its issuer (see crl.WriteFile).
func (cc *ChainCRL) WriteTo(w io.Writer) (int64, error) {
	return crl.WriteFile(w, cc.CRLs...)
}

// Summaries describes each CRL, in the order of CRLs.
func (cc *ChainCRL) Summaries() []crl.Summary {
	sums := make([]crl.Summary, len(cc.CRLs))
	for i, s := range cc.CRLs {
		sums[i] = s.Summary()
	}
	return sums
}

// ChainCRLs is ChainCRLStream for a caller that wants the file in memory (init and
// renew, which stage it with the other files): the file's bytes and a Summary of
// each CRL.
func (c *CA) ChainCRLs(o CRLOptions) ([]byte, []crl.Summary, error) {
	cc, err := c.ChainCRLStream(o)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if _, err := cc.WriteTo(&b); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), cc.Summaries(), nil
}
