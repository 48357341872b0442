package doctor

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// revokedCAs reports the intermediate CAs that cl, a CRL whose signature was checked,
// revokes: those of ssl_ca_file and those of ssl_cert_file, which clients send with
// their certificates in pgcert's set-up. The server checks every certificate of a
// client's chain against the CRLs (CRL_CHECK_ALL), so a revoked intermediate makes it
// refuse every client certificate issued under it.
func (c *checker) revokedCAs(g *Group, cl *x509.RevocationList) {
	seen := map[string]bool{}
	for _, in := range append(append([]chain.Input{}, c.cas...), c.certs...) {
		ca := in.Cert
		if !ca.IsCA || !bytes.Equal(ca.RawIssuer, cl.RawIssuer) || seen[string(ca.Raw)] {
			continue
		}
		seen[string(ca.Raw)] = true
		for _, e := range cl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(ca.SerialNumber) != 0 {
				continue
			}
			g.fail("crl-revoked", "the CRL of %s revokes the intermediate CA %s (serial %X, in %s)", cl.Issuer, chain.Subject(ca), ca.SerialNumber, in.File).
				detail("the server refuses every client certificate issued under it: %s (%s)", chain.CertRevoked, alertText(chain.CertRevoked)).
				fix("issue the client certificates again under a CA that is not revoked, and keep the revoked one out of %s and %s", c.s.SSL.CertFile, c.s.SSL.CAFile)
			break
		}
	}
}

// signatureFinding reports a server certificate signed with Ed25519: libpq computes
// the hash of the server certificate for SCRAM channel binding from the digest of its
// signature algorithm (RFC 5929), and Ed25519 has none, so every SCRAM login over SSL
// with channel binding (libpq's default, channel_binding=prefer) fails. Go does not
// parse Ed448 signatures, which fail the same way.
func (c *checker) signatureFinding(g *Group, leaf chain.Input) {
	if leaf.Cert.SignatureAlgorithm != x509.PureEd25519 {
		return
	}
	level := LevelWarning
	consequence := "pg_hba.conf has no password line for TCP connections now, but any SCRAM login over SSL would fail"
	if methods := c.passwordMethods(); len(methods) > 0 {
		level = LevelError
		consequence = fmt.Sprintf("pg_hba.conf asks TCP clients for %s: every such login over SSL fails", strings.Join(methods, " and "))
	}
	g.add(level, "signature", SourceLibpq, "could not find digest for NID UNDEF").
		detail("the server certificate %s is signed with Ed25519, which has no digest for SCRAM channel binding; %s (channel_binding=disable avoids it, and the protection it gives)", subject(leaf), consequence).
		fix("issue the server certificate from a CA with an ECDSA or RSA key, the kinds ca init makes by default")
}

// passwordMethods lists the password methods of pg_hba.conf's TCP lines, which use
// SCRAM when the password is stored that way (md5 too, since PostgreSQL 10).
func (c *checker) passwordMethods() []string {
	lines, _ := pgdata.LoadHBA(c.s.Config.HBAFile(c.s.Dir.ConfigDir), c.s.Dir.Version)
	var out []string
	for _, l := range lines {
		if l.Type != "host" && l.Type != "hostssl" {
			continue
		}
		if (l.Method == "scram-sha-256" || l.Method == "md5") && !slices.Contains(out, l.Method) {
			out = append(out, l.Method)
		}
	}
	return out
}
