package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crlscope"
)

// crlScope reports a CRL whose issuing distribution point leaves out
// certificates of its CA (crlscope.Check). With CRL_CHECK_ALL the server checks
// every certificate of a client's chain against its issuer's CRL, and fails one
// the CRL leaves out with "different CRL scope": step-ca's CRLs, for one,
// name a distribution point its default template never puts in a certificate.
// The check cannot see client certificates, so it judges the certificates of
// that CA it does see (ssl_cert_file's chain, ssl_ca_file), and else says what
// every client certificate must carry.
func (c *checker) crlScope(g *Group, cl *x509.RevocationList) {
	idp := crlscope.ParseIDP(cl)
	if idp == nil {
		return
	}
	issuer := cl.Issuer.String()
	if why := idp.Unusable(); why != "" {
		g.fail("crl-scope", "the server never uses the CRL of %s: %s", issuer, why).
			detail("the server refuses every client certificate %s issued, and every one below it: %s (%s)", issuer, chain.UnableToGetCRL, alertText(chain.UnableToGetCRL)).
			fix("have %s issue a CRL without an issuing distribution point extension, or with one naming only a distribution point", issuer)
		return
	}
	if idp.OnlyAttributeCerts {
		g.fail("crl-scope", "the CRL of %s covers only attribute certificates", issuer).
			detail("the server refuses every client certificate %s issued, and every one below it: %s (%s)", issuer, chain.DifferentCRLScope, alertText(chain.DifferentCRLScope)).
			fix("have %s issue a CRL without an issuing distribution point extension, or with one naming only a distribution point", issuer)
		return
	}
	var left []string
	var inEveryChain bool
	for _, x := range c.seenIssuedBy(cl.RawIssuer) {
		var se *crlscope.Error
		if !errors.As(crlscope.Check(cl, x.cert), &se) {
			continue
		}
		left = append(left, fmt.Sprintf("%s: %s", x.name, se.Why))
		inEveryChain = inEveryChain || x.inEveryChain
	}
	refused := fmt.Sprintf("the server refuses every client certificate of %s that the CRL leaves out: %s (%s)", issuer, chain.DifferentCRLScope, alertText(chain.DifferentCRLScope))
	if inEveryChain {
		refused = fmt.Sprintf("every client's chain holds a certificate the CRL leaves out, so the server refuses every client certificate under %s: %s (%s)", issuer, chain.DifferentCRLScope, alertText(chain.DifferentCRLScope))
	}
	switch {
	case len(left) > 0:
		g.fail("crl-scope", "the CRL of %s leaves out %s", issuer, strings.Join(left, "; ")).
			detail("%s", refused).
			fix("%s", c.crlScopeFix(idp, issuer))
	case idp.HasDistributionPoint:
		g.warn("crl-scope", "the CRL of %s is only for certificates whose CRL distribution points name %s", issuer, idp.Name()).
			detail("every client certificate of %s must carry that CRL distribution point, else %s", issuer, lowerFirst(refused)).
			fix("%s", c.crlScopeFix(idp, issuer))
	default:
		g.ok("crl-scope", "the CRL of %s %s", issuer, onlyWhat(idp))
	}
}

// crlScopeFix is the fix of a CRL that leaves out certificates: the CRL
// distribution point its CA must write into them (for a step-ca, in the
// provisioner's template), or no CRL.
func (c *checker) crlScopeFix(idp *crlscope.IDP, issuer string) string {
	leaveOut := "or give the server no CRL at all (leave ssl_crl_file and ssl_crl_dir unset; a CA without a CRL among others fails every client): revocations then go unchecked"
	if !idp.HasDistributionPoint || len(idp.URIs) == 0 {
		return fmt.Sprintf("have %s issue a CRL without an issuing distribution point extension, %s", issuer, leaveOut)
	}
	uri := idp.URIs[0]
	if c.s.Dir != nil {
		if rec, err := ca.ReadStepRecord(c.s.Dir.Dir); err == nil && rec != nil {
			return fmt.Sprintf(`add "crlDistributionPoints": ["%s"] to the X.509 template of the step-ca provisioner that issues the certificates (see docs/step-ca.md) and issue them again, %s`, uri, leaveOut)
		}
	}
	return fmt.Sprintf("issue the certificates of %s with the CRL distribution point %s (in an openssl extensions section: crlDistributionPoints = URI:%s), %s", issuer, uri, uri, leaveOut)
}

// seenCert is a certificate the check sees, named for a finding.
type seenCert struct {
	cert *x509.Certificate
	name string
	// inEveryChain is set for CA certificates, which every client chain under
	// them holds.
	inEveryChain bool
}

// seenIssuedBy returns the certificates of ssl_cert_file and ssl_ca_file whose
// issuer's name is issuer, each once.
func (c *checker) seenIssuedBy(issuer []byte) []seenCert {
	var out []seenCert
	seen := map[string]bool{}
	add := func(x *x509.Certificate, name string) {
		if seen[string(x.Raw)] || !bytes.Equal(x.RawIssuer, issuer) {
			return
		}
		seen[string(x.Raw)] = true
		isCA := x.BasicConstraintsValid && x.IsCA
		out = append(out, seenCert{cert: x, name: name, inEveryChain: isCA})
	}
	for i, in := range c.certs {
		if i == 0 {
			add(in.Cert, "the server certificate "+subject(in))
			continue
		}
		add(in.Cert, fmt.Sprintf("%s in %s", subject(in), c.s.SSL.CertFile))
	}
	for _, in := range c.cas {
		add(in.Cert, fmt.Sprintf("%s in %s", subject(in), c.s.SSL.CAFile))
	}
	return out
}

// onlyWhat says what an issuing distribution point without a distribution
// point limits its CRL to, once the certificates check sees are in scope.
func onlyWhat(idp *crlscope.IDP) string {
	switch {
	case idp.OnlyCACerts:
		return "covers only CA certificates, as are those of its CA that pgcert sees"
	case idp.OnlyUserCerts:
		return "covers only end entity certificates, as are those of its CA that pgcert sees"
	}
	return "has an issuing distribution point that leaves out no certificate"
}
