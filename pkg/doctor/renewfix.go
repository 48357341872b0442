package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// The fixes below are whole commands for this data directory, or "" when no command
// can be known (the check then says what to do in a sentence): a fix is pasted into a
// shell as printed, so it names real paths, quoted, and no placeholder.

// boundCA is the CA the data directory records (ca.DataDirFile) and pgcert follows,
// or nil: what renew -D and init -D use without --ca-dir.
func (c *checker) boundCA() *ca.CA {
	if !c.boundRead {
		c.boundRead = true
		c.bound, c.boundErr = ca.ForDataDir(c.s.Dir.Dir)
	}
	return c.bound
}

// renewFix is the one command that refreshes a missing, unreadable or stale CRL of
// the data directory, with extra flags: pgcert renew -D DIR, when the data directory
// records a CA that pgcert follows (renew then needs nothing else, and makes a CRL
// for every CA of the chain); "" otherwise, where the fix names the manual steps.
func (c *checker) renewFix(extra string) string {
	if c.boundCA() == nil {
		return ""
	}
	return "pgcert renew -D " + shellWord(c.s.Dir.Dir) + extra
}

// sslFilesAreDefault reports whether the settings name server.crt and server.key in
// the data directory, the files init -D and selfsign -D write.
func (c *checker) sslFilesAreDefault() bool {
	dir := c.s.Dir.Dir
	return pathOf(c, "ssl_cert_file") == filepath.Join(dir, pgdata.DefaultSSLFiles.Cert) &&
		pathOf(c, "ssl_key_file") == filepath.Join(dir, pgdata.DefaultSSLFiles.Key)
}

// hostFlags are --host flags for hosts, quoted.
func hostFlags(hosts []string) string {
	var b strings.Builder
	for _, h := range hosts {
		b.WriteString(" --host " + shellWord(h))
	}
	return b.String()
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

// reissueFix is the command that replaces the server's key and certificate with new
// ones for the leaf's host names and extra: init -D from the data directory's CA, or
// selfsign -D for a self-signed leaf. Both write server.key and server.crt in the data
// directory, so the fix is given only when the settings name those files.
func (c *checker) reissueFix(leaf *x509.Certificate, extra ...string) string {
	dir := c.s.Dir.Dir
	if !c.sslFilesAreDefault() {
		return ""
	}
	hosts := leafHosts(leaf)
	for _, h := range extra {
		if !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		return ""
	}
	var b strings.Builder
	switch bound := c.boundCA(); {
	case bound != nil && bytes.Equal(leaf.RawIssuer, bound.Cert.RawSubject):
		b.WriteString("pgcert init -D " + shellWord(dir) + " --ca-dir " + shellWord(bound.Dir))
	case bytes.Equal(leaf.RawIssuer, leaf.RawSubject) && leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil:
		b.WriteString("pgcert selfsign -D " + shellWord(dir))
	default:
		return ""
	}
	b.WriteString(hostFlags(hosts))
	b.WriteString(" --force")
	return b.String()
}

// leafHosts are the names a server certificate is for: its DNS and IP
// subjectAltNames, or its Common Name when it has none.
func leafHosts(leaf *x509.Certificate) []string {
	var hosts []string
	hosts = append(hosts, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		hosts = append(hosts, ip.String())
	}
	if len(hosts) == 0 && leaf.Subject.CommonName != "" {
		hosts = append(hosts, leaf.Subject.CommonName)
	}
	return hosts
}

// rootFix is the command that writes the root of the data directory's CA into
// ssl_ca_file, in place of what is there: "" when the data directory records no CA
// pgcert follows, or that CA's directory does not hold its root.
func (c *checker) rootFix(sf pgdata.SSLFile) string {
	bound := c.boundCA()
	if bound == nil {
		return ""
	}
	cas := bound.CAs()
	top := cas[len(cas)-1]
	if root := bound.Root(); root == nil || !bytes.Equal(root.Raw, top.Cert.Raw) {
		return ""
	}
	return "pgcert root -o " + shellWord(sf.Path) + " --force " + shellWord(filepath.Join(top.Dir, ca.CertFile))
}

// orSentence is the fix cmd, or sentence when no command is known.
func orSentence(cmd, sentence string) string {
	if cmd != "" {
		return cmd
	}
	return sentence
}

// prefixed is "lead: cmd", or "" when there is no command.
func prefixed(lead, cmd string) string {
	if cmd == "" {
		return ""
	}
	return lead + ": " + cmd
}

// leafRenewFix is the fix of an expired or expiring server certificate: renew -D
// when the data directory's CA issued it, a new self-signed one when it is
// self-signed, "" otherwise.
func (c *checker) leafRenewFix(leaf *x509.Certificate) string {
	if bound := c.boundCA(); bound != nil && bytes.Equal(leaf.RawIssuer, bound.Cert.RawSubject) {
		return prefixed("renew it from the data directory's CA and reload the server", c.renewFix(" --force --reload"))
	}
	return prefixed("make a new one (then reload the server: pg_ctl reload)", c.reissueFix(leaf))
}

// chainFix is the command that rebuilds ssl_cert_file from its own certificates and
// the files more, leaf first (the one of the server key), then each issuer.
func (c *checker) chainFix(more ...string) string {
	certFile := pathOf(c, "ssl_cert_file")
	cmd := "pgcert chain --key " + shellWord(pathOf(c, "ssl_key_file")) + " -o " + shellWord(certFile) + " --force " + shellWord(certFile)
	for _, m := range more {
		cmd += " " + shellWord(m)
	}
	return cmd
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
