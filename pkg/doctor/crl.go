package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// crlFileGroup checks ssl_crl_file and returns the index of its group.
func (c *checker) crlFileGroup(sf pgdata.SSLFile) int {
	g := c.group(sf.Value, sf.Path, sf.Setting)
	idx := len(c.rep.Files) - 1
	if !c.access(g, keyperm.CRLFile, sf) {
		return idx
	}
	data, ok := c.read(g, sf.Path)
	if !ok {
		return idx
	}
	crls, err := crl.ParseCRLs(data)
	if err != nil || !bytes.Contains(data, []byte("-----BEGIN")) {
		fd := g.add(LevelError, "load", SourceServer, fmt.Sprintf(`could not load SSL certificate revocation list file "%s": no certificate or crl found`, sf.Value))
		if err != nil && !errors.Is(err, crl.ErrNoCRL) {
			fd.detail("%s", strings.TrimPrefix(err.Error(), "crl: "))
		} else if err == nil {
			fd.detail("the file is DER; the server reads only PEM")
		}
		if fix := c.renewFix(" --force --reload"); fix != "" {
			fd.fix("%s", fix)
		} else {
			fd.fix("write there, in PEM, a current CRL from every CA of %s", orDefault(c.s.SSL.CAFile, "ssl_ca_file"))
		}
		return idx
	}
	for _, cl := range crls {
		c.crlFindings(g, loadedCRL{crl: cl, file: sf.Value})
	}
	return idx
}

// crlDirGroup checks ssl_crl_dir, an OpenSSL hashed directory, and returns the index
// of its group.
func (c *checker) crlDirGroup(sf pgdata.SSLFile) int {
	g := c.group(sf.Value, sf.Path, sf.Setting)
	idx := len(c.rep.Files) - 1
	if !c.access(g, keyperm.CRLDir, sf) {
		return idx
	}
	rebuild := crlDirFix(sf)
	present := map[string]bool{}
	var hashed []string
	for _, p := range pgdata.CRLDirEntries(sf.Path) {
		base := filepath.Base(p)
		present[base] = true
		if crl.IsDirName(base) {
			hashed = append(hashed, p)
			continue
		}
		switch strings.ToLower(filepath.Ext(base)) {
		case ".crl", ".pem", ".der", ".r0":
			g.warn("crl-name", "%s is not named <issuer hash>.r<N>: OpenSSL never reads it", base).fix("%s", rebuild)
		}
	}
	for _, p := range hashed {
		base := filepath.Base(p)
		name := filepath.Join(sf.Value, base)
		r := keyperm.JudgePublicFile(keyperm.CRLDirEntry, keyperm.Stat(p).Named(name), c.db)
		if !r.OK {
			g.add(LevelError, "access", Source(r.Source), r.Message).fix("%s", r.Hint)
			continue
		}
		hash, n := splitDirName(base)
		if n > 0 && !present[fmt.Sprintf("%s.r%d", hash, n-1)] {
			g.warn("crl-name", "%s is never read: OpenSSL reads %s.r0, .r1, ... and stops at the first that is missing", base, hash).fix("%s", rebuild)
			continue
		}
		data, err := readFile(p)
		if err != nil {
			c.cannotRead(g, err)
			continue
		}
		crls, err := crl.ParseCRLs(data)
		if err != nil || !bytes.Contains(data, []byte("-----BEGIN")) {
			fd := g.fail("load", "%s holds no CRL OpenSSL can read: the server finds no CRL there", name).fix("%s", rebuild)
			if err != nil {
				fd.detail("%s", strings.TrimPrefix(err.Error(), "crl: "))
			} else {
				fd.detail("the file is DER; OpenSSL reads only PEM in a hashed directory")
			}
			continue
		}
		for _, cl := range crls {
			h, err := crl.NameHash(cl.RawIssuer)
			if err != nil || fmt.Sprintf("%08x", h) != hash {
				g.fail("crl-name", "%s holds the CRL of %s, whose issuer hash is %08x: OpenSSL looks for it under that name and never finds this one", name, cl.Issuer, h).
					detail("the server rejects the client certificates that CA issued (%s)", chain.UnableToGetCRL).
					fix("%s", rebuild)
				continue
			}
			c.crlFindings(g, loadedCRL{crl: cl, file: name})
		}
	}
	if len(hashed) == 0 {
		g.warn("crl-name", "no file named <issuer hash>.r<N>: the directory holds no CRL OpenSSL reads").fix("%s", rebuild)
	}
	return idx
}

// splitDirName splits "0a1b2c3d.r2" into its hash and number.
func splitDirName(base string) (string, int) {
	hash, num, _ := strings.Cut(base, ".r")
	n, _ := strconv.Atoi(num)
	return hash, n
}

// crlFindings checks one CRL: its signature by the CA of its issuer's name in
// ssl_ca_file, and its validity.
func (c *checker) crlFindings(g *Group, l loadedCRL) {
	cl := l.crl
	desc := CRL{Issuer: cl.Issuer.String(), ThisUpdate: cl.ThisUpdate.UTC(), Revoked: len(cl.RevokedCertificateEntries), File: l.file}
	if cl.Number != nil {
		desc.Number = cl.Number.String()
	}
	if !cl.NextUpdate.IsZero() {
		desc.NextUpdate = cl.NextUpdate.UTC()
		desc.DaysLeft = daysLeft(cl.NextUpdate, c.now)
	}
	g.CRLs = append(g.CRLs, desc)
	issuer := cl.Issuer.String()
	refused := fmt.Sprintf("the server refuses every client certificate %s issued, and every one below it", issuer)

	_, err := crl.Merge([]*x509.RevocationList{cl}, caCertsOf(c.cas), c.now, true)
	var unknown *crl.UnknownIssuerError
	var sigErr *crl.SignatureError
	switch {
	case errors.As(err, &sigErr):
		g.fail("crl-signature", "the CRL of %s is not signed by the CA of that name in %s", issuer, c.s.SSL.CAFile).
			detail("%s: %s (%s)", refused, chain.CRLSignatureFailure, alertText(chain.CRLSignatureFailure)).
			fix("%s", c.crlSignerFix(cl))
		return
	case errors.As(err, &unknown) && hasSubject(c.cas, cl.RawIssuer):
		g.fail("crl-signature", "the CRL of %s was signed with another key than the CA of that name in %s", issuer, c.s.SSL.CAFile).
			detail("%s: %s (%s)", refused, chain.UnableToGetCRL, alertText(chain.UnableToGetCRL)).
			fix("%s", c.crlSignerFix(cl))
		return
	case errors.As(err, &unknown) && c.intermediateIssued(cl) != nil:
		g.ok("crl-signature", "the CRL of %s is signed by its CA, an intermediate of %s under a CA of %s", issuer, c.s.SSL.CertFile, c.s.SSL.CAFile).
			detail("clients whose certificates it issued send it with them, as pgcert's client bundles do")
	case errors.As(err, &unknown) && c.s.SSL.CAFile != "":
		g.warn("crl-signature", "no CA in %s issued the CRL of %s, so pgcert cannot check its signature", c.s.SSL.CAFile, issuer).
			detail("fine when clients send %s with their certificate (an intermediate CA); else the CRL is never used", issuer)
	case err == nil:
		l.signed = true
		g.ok("crl-signature", "the CRL of %s is signed by its CA", issuer)
	}
	switch {
	case c.now.Before(cl.ThisUpdate):
		g.fail("crl-validity", "the CRL of %s is not valid until %s (%s)", issuer, dateText(cl.ThisUpdate), whenText(cl.ThisUpdate, c.now)).
			detail("%s: %s (%s)", refused, chain.CRLNotYetValid, alertText(chain.CRLNotYetValid)).
			fix("check the clock of the machine that made it")
	case cl.NextUpdate.IsZero():
		g.ok("crl-validity", "the CRL of %s has no next update: OpenSSL takes it as current for ever", issuer)
	case !c.now.Before(cl.NextUpdate):
		fd := g.fail("crl-validity", "the CRL of %s expired on %s (%s)", issuer, dateText(cl.NextUpdate), whenText(cl.NextUpdate, c.now)).
			detail("%s: %s (%s)", refused, chain.CRLHasExpired, alertText(chain.CRLHasExpired))
		if fix := c.renewFix(" --reload"); fix != "" {
			fd.fix("%s", fix)
		} else {
			fd.fix("have %s issue a new CRL, put it there and reload the server", issuer)
		}
	case cl.NextUpdate.Sub(c.now) <= c.window:
		fd := g.warn("crl-validity", "the CRL of %s expires on %s (%s)", issuer, dateText(cl.NextUpdate), whenText(cl.NextUpdate, c.now)).
			detail("when it does, %s", refused)
		if fix := c.renewFix(" --reload"); fix != "" {
			fd.fix("%s", fix)
		} else {
			fd.fix("have %s issue a new CRL before then, put it there and reload the server", issuer)
		}
	default:
		g.ok("crl-validity", "the CRL of %s is current until %s (%d days left)", issuer, dateText(cl.NextUpdate), daysLeft(cl.NextUpdate, c.now))
	}
	c.crlScope(g, cl)
	if l.signed || c.intermediateIssued(cl) != nil {
		c.revokedCAs(g, cl)
	}
	c.crls = append(c.crls, l)
}

// intermediateIssued returns the intermediate CA of ssl_cert_file that signed cl,
// when that intermediate is itself signed by a CA of ssl_ca_file: the usual set-up
// with one intermediate issuing both the server's and the clients' certificates,
// where root.crt holds only the root and clients send the intermediate.
func (c *checker) intermediateIssued(cl *x509.RevocationList) *x509.Certificate {
	for _, in := range c.certs {
		inter := in.Cert
		if !inter.IsCA || !bytes.Equal(inter.RawSubject, cl.RawIssuer) || cl.CheckSignatureFrom(inter) != nil {
			continue
		}
		for _, ca := range c.cas {
			if bytes.Equal(inter.RawIssuer, ca.Cert.RawSubject) && inter.CheckSignatureFrom(ca.Cert) == nil {
				return inter
			}
		}
	}
	return nil
}

// crlCoverage reports the CAs of ssl_ca_file that have no CRL: once a CRL is
// configured, the server checks every CA of a client's chain (CRL_CHECK_ALL), and a
// CA without a CRL makes every client certificate under it fail.
func (c *checker) crlCoverage(g *Group) {
	if c.s.SSL.CAFile == "" {
		g.warn("crl-unused", "ssl_ca_file is not set: the server asks for no client certificate, so it never uses the CRLs").
			fix("set ssl_ca_file to the CAs that issue client certificates")
		return
	}
	if len(c.cas) == 0 {
		return
	}
	var signed []*x509.RevocationList
	for _, l := range c.crls {
		if l.signed {
			signed = append(signed, l.crl)
		}
	}
	m, err := crl.Merge(signed, caCertsOf(c.cas), c.now, true)
	if err != nil {
		return
	}
	for _, ca := range m.Missing {
		name := ca.Subject.String()
		fd := g.fail("crl-missing", "no CRL for %s", name).
			detail("with a CRL configured the server checks every CA of a client's chain, the root included (OpenSSL's CRL_CHECK_ALL): every client certificate under %s is refused: %s (%s)", name, chain.UnableToGetCRL, alertText(chain.UnableToGetCRL))
		if fix := c.renewFix(" --reload"); fix != "" {
			fd.fix("%s", fix)
		} else {
			fd.fix("add a current CRL from %s to %s (an empty one will do)", name, g.Name)
		}
	}
	if len(m.Missing) == 0 {
		g.ok("crl-missing", "every CA of %s has a CRL", c.s.SSL.CAFile)
	}
}

// hasSubject reports whether one of ins has the subject name raw.
func hasSubject(ins []chain.Input, raw []byte) bool {
	for _, in := range ins {
		if bytes.Equal(in.Cert.RawSubject, raw) {
			return true
		}
	}
	return false
}

func caCertsOf(ins []chain.Input) []*x509.Certificate {
	out := make([]*x509.Certificate, len(ins))
	for i, in := range ins {
		out[i] = in.Cert
	}
	return out
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// crlDirFix is the fix of a hashed CRL directory: the command that files the CRLs
// it holds under the names OpenSSL looks for (crl dir reads every input before it
// writes), or a sentence when it holds none.
func crlDirFix(sf pgdata.SSLFile) string {
	var files []string
	for _, p := range pgdata.CRLDirEntries(sf.Path) {
		if data, err := readFile(p); err == nil {
			if _, err := crl.ParseCRLs(data); err == nil {
				files = append(files, shellWord(p))
			}
		}
	}
	if len(files) == 0 {
		return fmt.Sprintf("file the CAs' current CRLs in %s, each named <issuer hash>.r<N>", sf.Value)
	}
	return fmt.Sprintf("rebuild the directory from the CRLs it holds: pgcert crl dir --out %s --force %s", shellWord(sf.Path), strings.Join(files, " "))
}

// crlSignerFix is the fix of a CRL that the CA of its issuer's name in ssl_ca_file did
// not sign. When the data directory's CA signed it, ssl_ca_file is what is wrong and
// gets that CA's root; when another CA did, renew makes the data directory's CA's
// CRLs in its place.
func (c *checker) crlSignerFix(cl *x509.RevocationList) string {
	sentence := "get the CRL from the CA that issues the client certificates"
	bound := c.boundCA()
	if bound == nil {
		return sentence
	}
	for _, x := range bound.CAs() {
		if bytes.Equal(x.Cert.RawSubject, cl.RawIssuer) && cl.CheckSignatureFrom(x.Cert) == nil {
			caFile, _ := c.s.File("ssl_ca_file")
			return orSentence(prefixed("put the root of the data directory's CA in "+c.s.SSL.CAFile, c.rootFix(caFile)), sentence)
		}
	}
	return orSentence(prefixed("make the CRLs of the data directory's CA in its place", c.renewFix(" --force --reload")), sentence)
}
