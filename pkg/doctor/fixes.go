package doctor

import (
	"bytes"
	"crypto/x509"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// The fixes below are whole commands for this data directory, or "" when no command
// can be known (the check then says what to do in a sentence): a fix is pasted into a
// shell as printed, so it names real paths, quoted, and no placeholder.

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
	// `openssl req -x509`, the manual's command, marks its certificate CA:TRUE, which
	// selfsign -D takes for a CA's and replaces only with --new-ca.
	if leaf.IsCA && bytes.Equal(leaf.RawIssuer, leaf.RawSubject) {
		b.WriteString(" --new-ca")
	}
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
