package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"slices"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// The findings below compare the data directory's files with the CA its record
// (ca.DataDirFile) names, which renew -D and init -D use without --ca-dir: files of
// another CA, or a record pgcert does not follow, make those commands refuse, and
// check says so before a timer's renew does.

// boundCA is the CA the data directory records (ca.DataDirFile) and pgcert follows,
// or nil: what renew -D and init -D use without --ca-dir.
func (c *checker) boundCA() *ca.CA {
	if !c.boundRead {
		c.boundRead = true
		c.bound, c.boundErr = ca.ForDataDir(c.s.Dir.Dir)
	}
	return c.bound
}

// issuedBy reports whether one of c's chain signed leaf.
func issuedBy(leaf *x509.Certificate, c *ca.CA) bool {
	for _, x := range c.CAs() {
		if bytes.Equal(leaf.RawIssuer, x.Cert.RawSubject) && leaf.CheckSignatureFrom(x.Cert) == nil {
			return true
		}
	}
	return false
}

// leafBinding reports a server certificate that the CA the data directory records
// did not issue: its files were replaced by another CA's (or a copy from elsewhere),
// and renew -D, which renews from the recorded CA, refuses to run.
func (c *checker) leafBinding(g *Group, leaf *x509.Certificate) {
	if c.s.Staged != nil {
		// A renewal's check of its new files, which renew records with them.
		return
	}
	bound := c.boundCA()
	if bound == nil {
		c.brokenBinding(g, leaf)
		return
	}
	if issuedBy(leaf, bound) {
		return
	}
	issuer := issuerName(leaf)
	fd := g.warn("ca-binding", "the server certificate was issued by %s, not by the data directory's CA %s in %s (%s)", issuer, chain.Subject(bound.Cert), bound.Dir, ca.DataDirFile).
		detail("pgcert renew -D renews only from the recorded CA, and refuses this certificate")
	hosts := leafHosts(leaf)
	if !c.sslFilesAreDefault() || len(hosts) == 0 {
		fd.fix("put back the files of the data directory's CA, or set the data directory up again from the CA that issued this one")
		return
	}
	fd.fix("put back the files of the data directory's CA (clients that trust only %s stop verifying the server): pgcert init -D %s --ca-dir %s%s --new-ca --force",
		issuer, shellWord(c.s.Dir.Dir), shellWord(bound.Dir), hostFlags(hosts))
}

// brokenBinding reports a record of the data directory's CA that pgcert does not
// follow (ca.BindingError): renew -D and init -D then need --ca-dir. When the CA
// directory still lists the data directory but holds another CA certificate than the
// one recorded (the CA was made again there), the fix moves the data directory to that
// CA, which the CA directory's owner vouches for; a record the CA does not confirm is
// only the data directory's word, and no command follows it.
func (c *checker) brokenBinding(g *Group, leaf *x509.Certificate) {
	var be *ca.BindingError
	if !errors.As(c.boundErr, &be) {
		return
	}
	fd := g.warn("ca-binding", "%s", be.Error()).
		detail("pgcert renew -D finds no CA to renew the certificate and the CRLs from")
	if be.OwnerWritable {
		if c.s.DBUser.Name == "" {
			fd.fix("renew as %s, whose CA it is: run as root, pgcert would work in a directory they control", c.s.DBUser.Label())
			return
		}
		fd.fix("renew as %s, whose CA it is (run as root, pgcert would work in a directory they control): runuser -u %s -- pgcert renew -D %s",
			c.s.DBUser.Name, shellWord(c.s.DBUser.Name), shellWord(c.s.Dir.Dir))
		return
	}
	now, err := ca.Open(be.CADir)
	hosts := leafHosts(leaf)
	if err != nil || !c.sslFilesAreDefault() || len(hosts) == 0 {
		fd.fix("give the CA directory that issued the data directory's files with --ca-dir to renew -D, which records it again")
		return
	}
	served, err := now.DataDirs()
	if err != nil || !slices.Contains(served, be.DataDir) {
		fd.fix("give the CA directory that issued the data directory's files with --ca-dir to renew -D, which records it again")
		return
	}
	fd.fix("move the data directory to the CA now in %s (clients that trust only %s stop verifying the server): pgcert init -D %s --ca-dir %s%s --new-ca --force",
		be.CADir, issuerName(leaf), shellWord(c.s.Dir.Dir), shellWord(be.CADir), hostFlags(hosts))
}

// issuerName names leaf's issuer as pgcert names subjects.
func issuerName(leaf *x509.Certificate) string {
	if name, err := selfsign.FormatSubject(leaf.RawIssuer); err == nil {
		return name
	}
	return leaf.Issuer.String()
}
