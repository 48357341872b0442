package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// caGroup checks ssl_ca_file: the server loads it, it holds CA certificates only, each
// reaches a self-signed root, and none has expired.
func (c *checker) caGroup(sf pgdata.SSLFile) {
	g := c.group(sf.Value, sf.Path, sf.Setting)
	if !c.access(g, keyperm.RootCert, sf) {
		return
	}
	if c.caReadErr != nil {
		c.cannotRead(g, c.caReadErr)
		return
	}
	if len(c.cas) == 0 || !bytes.Contains(c.caData, []byte("-----BEGIN")) {
		fd := g.add(LevelError, "load", SourceServer, fmt.Sprintf(`could not load root certificate file "%s": no certificate or crl found`, sf.Value))
		if len(c.cas) > 0 {
			fd.detail("the file is DER; the server reads only PEM")
		}
		fd.fix("%s", orSentence(prefixed("write the root of the data directory's CA there, in PEM", c.rootFix(sf)),
			"write there, in PEM, the certificates of the CAs that issue the client certificates"))
		return
	}
	for _, in := range c.cas {
		g.Certificates = append(g.Certificates, c.describeCert(in))
	}
	refused := "the server refuses every client certificate under it"
	roots, err := chain.BuildRoots(c.cas, chain.RootsOptions{Now: c.now, ExpiryWarning: c.window})
	var notCA *chain.NotCAError
	if errors.As(err, &notCA) {
		g.fail("ca-only", "%s", chainText(err)).
			detail("ssl_ca_file is the set of CAs whose client certificates the server trusts; a certificate that is not a CA issues none").
			fix("%s", orSentence(prefixed("keep only the root of the data directory's CA", c.rootFix(sf)),
				fmt.Sprintf("keep only CA certificates in %s: remove %s", sf.Value, subject(notCA.Cert))))
		return
	}
	if err != nil {
		g.fail("ca-only", "%s", chainText(err))
		return
	}
	problems := map[*x509.Certificate]bool{}
	for _, w := range roots.Warnings {
		var expired *chain.ExpiredError
		var soon *chain.ExpiresSoonError
		var missing *chain.MissingIssuerError
		switch {
		case errors.As(w, &expired):
			problems[expired.Cert.Cert] = true
			reason := chain.CertHasExpired
			if expired.NotYetValid {
				reason = chain.CertNotYetValid
			}
			g.fail("validity", "%s", chainText(w)).
				detail("%s: %s (%s)", refused, reason, alertText(reason)).
				fix("replace it with the CA's new certificate")
		case errors.As(w, &soon):
			problems[soon.Cert.Cert] = true
			g.warn("expiry", "%s", chainText(w)).
				detail("when it expires, %s", refused).
				fix("renew the CA certificate and roll it out before then (within --warn-days %d)", c.opts.WarnDays)
		case errors.As(w, &missing):
			problems[missing.Cert.Cert] = true
			g.fail("root", "%s, an intermediate CA, was issued by %s, which is not in %s", subject(missing.Cert), missing.Issuer, sf.Value).
				detail("OpenSSL trusts a chain only up to a self-signed root: %s (%s, %s)", refused, chain.UnableToGetIssuerCert, alertText(chain.UnableToGetIssuerCert)).
				fix("%s", orSentence(prefixed("put the root of the data directory's CA there", c.rootFix(sf)),
					fmt.Sprintf("add the root %s to %s", missing.Issuer, sf.Value)))
		}
	}
	for _, in := range roots.Duplicates {
		g.warn("duplicate", "%s is in the file twice", subject(in)).fix("pgcert root -o %s --force %s", shellWord(sf.Path), shellWord(sf.Path))
	}
	for _, in := range roots.Certs {
		if problems[in.Cert] {
			continue
		}
		kind := "intermediate CA"
		if bytes.Equal(in.Cert.RawSubject, in.Cert.RawIssuer) {
			kind = "root CA"
		}
		g.ok("ca", "%s (%s) is valid until %s (%d days left)", subject(in), kind, dateText(in.Cert.NotAfter), daysLeft(in.Cert.NotAfter, c.now))
	}
	c.boundRoot(g, sf, roots.Certs)
	g.ok("client-certificates", "the server asks every SSL client for a certificate from %s (optional unless pg_hba.conf requires one)", plural(len(roots.Certs), "CA", "CAs"))
}

// boundRoot reports an ssl_ca_file without the root of the CA the data directory
// records: the server then refuses every client certificate that CA issues (root.crt
// replaced by another CA's, or by a copy from elsewhere).
func (c *checker) boundRoot(g *Group, sf pgdata.SSLFile, cas []chain.Input) {
	if c.s.Staged != nil {
		// A renewal's check of its new files, which renew records with them.
		return
	}
	bound := c.boundCA()
	if bound == nil || bound.Root() == nil {
		return
	}
	root := bound.Root()
	for _, in := range cas {
		if bytes.Equal(in.Cert.Raw, root.Raw) {
			return
		}
	}
	g.warn("ca-binding", "%s does not hold %s, the root of the data directory's CA in %s (%s)", sf.Value, chain.Subject(root), bound.Dir, ca.DataDirFile).
		detail("the server refuses every client certificate that CA issues (%s), and renew keeps making CRLs for it", chain.UnableToGetIssuerCertLocally).
		fix("%s", orSentence(prefixed("put the root of the data directory's CA there", c.rootFix(sf)),
			fmt.Sprintf("add %s to %s", chain.Subject(root), sf.Value)))
}
