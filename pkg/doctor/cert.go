package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// refusedByClients is what follows from a server certificate problem: the server
// starts and serves the certificate, and libpq refuses it.
const refusedByClients = `the server starts and serves it, and libpq with sslmode=verify-ca or verify-full refuses it ("SSL error: certificate verify failed"); OpenSSL's reason`

// certGroup checks ssl_cert_file: that the server can load it, its order, the
// validity and purpose of its certificates, their names, and what a client holding
// the root would say.
func (c *checker) certGroup(sf pgdata.SSLFile) {
	g := c.group(sf.Value, sf.Path, sf.Setting)
	if !c.access(g, keyperm.ServerCert, sf) {
		return
	}
	data, ok := c.read(g, sf.Path)
	if !ok {
		return
	}
	ins, err := chain.ReadInputs(sf.Value, data)
	if err != nil || !bytes.Contains(data, []byte("-----BEGIN")) {
		fd := g.add(LevelError, "load", SourceServer, fmt.Sprintf(`could not load server certificate file "%s": no start line`, sf.Value))
		if err != nil {
			fd.detail("%s", err)
		} else {
			fd.detail("the file is DER; the server reads only PEM")
		}
		fd.fix("write the certificate chain in PEM, leaf first")
		return
	}
	c.certs = ins
	for _, in := range ins {
		g.Certificates = append(g.Certificates, c.describeCert(in))
	}
	c.loadSecurity(g, sf)
	// When the order is wrong, the server certificate meant is the path's leaf, not
	// the first in the file: the order finding says the rest.
	path := c.certOrder(g, sf)
	leaf := ins[0]
	if path != nil {
		leaf = path.Leaf()
	}
	c.validity(g, leaf, "the server certificate", refusedByClients, c.leafRenewFix(leaf.Cert))
	if path != nil {
		for _, in := range path.Certs[1:] {
			c.validity(g, in, "its issuer", refusedByClients, "")
		}
	}
	c.leafPurpose(g, leaf)
	c.signatureFinding(g, leaf)
	c.leafNames(g, leaf)
	c.leafBinding(g, leaf.Cert)
	c.verifyAsClient(g, path)
}

// certOrder checks that the leaf comes first and each next certificate is the issuer
// of the one before, using the key (when known) to tell which certificate is the
// leaf. It returns the chain as it should be, or nil when none can be built.
func (c *checker) certOrder(g *Group, sf pgdata.SSLFile) *chain.Path {
	opts := chain.BuildOptions{Now: c.now, Key: c.key.pub, AllowExpired: true}
	path, err := chain.Build(c.certs, opts)
	var mismatch *chain.KeyMismatchError
	if errors.As(err, &mismatch) {
		opts.Key = nil
		path, err = chain.Build(c.certs, opts)
	}
	if path == nil {
		g.warn("order", "cannot tell which certificate is the leaf: %s", chainText(err)).
			fix("keep only the server's certificate and its issuers in %s", sf.Value)
		return nil
	}
	fixCmd := c.chainFix()
	leafIdx := indexOf(c.certs, path.Leaf())
	switch {
	case leafIdx != 0:
		fd := g.fail("order", "the leaf %s is certificate %d of %d; the first, %s, is what the server sends as its own certificate",
			subject(path.Leaf()), leafIdx+1, len(c.certs), subject(c.certs[0]))
		if c.key.pub != nil {
			fd.detail(`the server then refuses to start: could not load private key file "%s": key values mismatch`, c.s.SSL.KeyFile)
		}
		fd.fix("put the leaf first, then each issuer: %s", fixCmd)
	case !inIssuingOrder(c.certs, path):
		g.warn("order", "the certificates after the leaf are not in issuing order (each should be the issuer of the one before it)").
			detail("OpenSSL and most clients sort them out, but TLS requires the order and some clients do not").
			fix("%s", fixCmd)
	default:
		g.ok("order", "in order: the leaf %s%s", subject(path.Leaf()), issuersText(path))
	}
	broken := map[*x509.Certificate]bool{}
	for _, e := range chainErrors(err) {
		var sig *chain.SignatureError
		if errors.As(e, &sig) {
			broken[sig.Issuer.Cert] = true
		}
	}
	for _, in := range path.Unrelated {
		if broken[in.Cert] {
			continue // the issuer whose signature fails: the chain finding names it
		}
		g.warn("order", "certificate %d, %s, is not in the leaf's chain: the server sends it to every client for nothing", indexOf(c.certs, in)+1, subject(in)).
			fix("%s", fixCmd)
	}
	for _, in := range path.Duplicates {
		g.warn("order", "%s is in the file twice", subject(in)).fix("%s", fixCmd)
	}
	for _, e := range chainErrors(err) {
		var expired *chain.ExpiredError
		if errors.As(e, &expired) {
			continue
		}
		c.chainBroken = true
		g.fail("chain", "%s", chainText(e)).
			detail("%s: %s", refusedByClients, reasonOf(e)).
			fix("get the right issuer certificates from the CA")
	}
	if path.Missing != nil {
		c.missingIssuer(g, path)
	}
	return path
}

// missingIssuer says what a client needs beyond server.crt: the issuer of its last
// certificate, in root.crt.
func (c *checker) missingIssuer(g *Group, path *chain.Path) {
	top := path.Certs[len(path.Certs)-1]
	issuer := path.Missing.Issuer
	for _, ca := range c.cas {
		if !bytes.Equal(ca.Cert.RawSubject, top.Cert.RawIssuer) {
			continue
		}
		if !bytes.Equal(ca.Cert.RawIssuer, ca.Cert.RawSubject) {
			g.warn("chain", "the chain stops at %s; its issuer %s, an intermediate CA, is in %s but not here", subject(top), issuer, c.s.SSL.CAFile).
				detail("clients that hold only the root in root.crt cannot verify the server (unable to get local issuer certificate)").
				fix("%s", orSentence(prefixed("rebuild "+c.s.SSL.CertFile+" with the CA's chain", c.renewFix(" --force --reload")),
					fmt.Sprintf("append %s to %s: %s", issuer, c.s.SSL.CertFile, c.chainFix(pathOf(c, "ssl_ca_file")))))
			return
		}
		g.ok("chain", "the chain stops below the root %s, which clients need in their root.crt (it is in %s)", issuer, c.s.SSL.CAFile)
		return
	}
	if bound := c.boundCA(); bound != nil {
		for _, inter := range bound.Intermediates() {
			if bytes.Equal(inter.RawSubject, top.Cert.RawIssuer) {
				g.warn("chain", "the chain stops at %s; its issuer %s, an intermediate of the data directory's CA, is not in %s", subject(top), issuer, c.s.SSL.CertFile).
					detail("clients that hold only the root in root.crt, as pgcert's client bundles do, cannot verify the server (unable to get local issuer certificate)").
					fix("%s", prefixed("rebuild "+c.s.SSL.CertFile+" with the CA's chain", c.renewFix(" --force --reload")))
				return
			}
		}
	}
	g.ok("chain", "the chain stops below %s, which clients need in their root.crt (with its own issuers, up to a root)", issuer)
}

// leafPurpose checks the leaf's extendedKeyUsage, which libpq's OpenSSL requires to
// include serverAuth when present.
func (c *checker) leafPurpose(g *Group, leaf chain.Input) {
	eku := leaf.Cert.ExtKeyUsage
	switch {
	case len(eku) == 0 && len(leaf.Cert.UnknownExtKeyUsage) == 0:
		g.ok("purpose", "no extendedKeyUsage: fit for any purpose")
	case slices.Contains(eku, x509.ExtKeyUsageServerAuth) || slices.Contains(eku, x509.ExtKeyUsageAny):
		g.ok("purpose", "extendedKeyUsage includes serverAuth")
	default:
		g.fail("purpose", "the server certificate %s has an extendedKeyUsage without serverAuth", subject(leaf)).
			detail("%s: %s", refusedByClients, chain.InvalidPurpose).
			fix("%s", orSentence(prefixed("issue a server certificate (EKU serverAuth) in its place", c.reissueFix(leaf.Cert)),
				"have its CA issue a server certificate (extendedKeyUsage serverAuth) in its place"))
	}
}

// leafNames lists the leaf's subjectAltNames and matches every --host with libpq's
// rules.
func (c *checker) leafNames(g *Group, leaf chain.Input) {
	cert := leaf.Cert
	var names []string
	for _, n := range cert.DNSNames {
		names = append(names, "DNS:"+n)
	}
	for _, ip := range cert.IPAddresses {
		names = append(names, "IP:"+ip.String())
	}
	if len(names) == 0 {
		g.warn("san", "the server certificate has no subjectAltName, only the Common Name %q", cert.Subject.CommonName).
			detail("libpq falls back to the Common Name, but clients that follow RFC 6125 (JDBC, Go, most drivers) refuse the certificate").
			fix("%s", orSentence(prefixed("issue a certificate with the host names as subjectAltNames", c.reissueFix(cert)),
				"have its CA issue a certificate with the host names as subjectAltNames"))
	} else {
		g.ok("san", "subjectAltName %s", strings.Join(names, ", "))
	}
	for _, h := range c.opts.Hosts {
		err := chain.MatchHost(cert, h)
		if err == nil {
			g.ok("host", "host name %s matches, as libpq checks it for sslmode=verify-full", h)
			continue
		}
		msg := chainText(err)
		var he *chain.HostError
		if errors.As(err, &he) {
			msg = he.Message
		}
		g.add(LevelError, "host", SourceLibpq, msg).
			detail("psql with host=%s and sslmode=verify-full refuses the server", h).
			fix("%s", orSentence(prefixed("connect with a name the certificate holds, or issue one that also names "+h, c.reissueFix(cert, h)),
				"connect with a name the certificate holds, or have its CA issue one that names "+h))
	}
}

// verifyAsClient verifies the chain as libpq does, when a root for it is at hand: a
// self-signed certificate in server.crt, or a CA of ssl_ca_file. Problems already
// reported (validity, purpose, a broken chain) are not repeated.
func (c *checker) verifyAsClient(g *Group, path *chain.Path) {
	if path == nil || c.chainBroken {
		return
	}
	var roots []chain.Input
	for _, in := range append(append([]chain.Input{}, c.certs...), c.cas...) {
		if bytes.Equal(in.Cert.RawIssuer, in.Cert.RawSubject) || slices.Contains(c.cas, in) {
			roots = append(roots, in)
		}
	}
	if len(roots) == 0 {
		return
	}
	verified, err := chain.Verify(c.certs[0], chain.VerifyOptions{
		Now: c.now, Roots: roots, Intermediates: append(c.certs[1:len(c.certs):len(c.certs)], c.cas...), Purpose: chain.PurposeServer,
	})
	var ve *chain.VerifyError
	switch {
	case err == nil:
		top := verified[len(verified)-1]
		g.ok("verify", "verifies up to the root %s (from %s), as libpq checks it", subject(top), top.File)
	case errors.As(err, &ve) && (ve.Reason == chain.CertHasExpired || ve.Reason == chain.CertNotYetValid || ve.Reason == chain.InvalidPurpose):
	case errors.As(err, &ve) && (ve.Reason == chain.UnableToGetIssuerCertLocally || ve.Reason == chain.UnableToGetIssuerCert):
		// No root at hand for this chain: missingIssuer said what clients need.
	default:
		g.fail("verify", "a client trusting %s refuses the server: %s", subjectsOf(roots), reasonOf(err)).
			detail("libpq prints \"SSL error: certificate verify failed\"; %s", chainText(err))
	}
}

// keyGroup checks ssl_key_file: the server's mode and owner rule, the format, the
// passphrase, and that it belongs to the first certificate of ssl_cert_file.
func (c *checker) keyGroup(sf pgdata.SSLFile) {
	g := c.group(sf.Value, sf.Path, sf.Setting)
	fi := keyperm.Stat(sf.Path).Named(sf.Value)
	r := keyperm.JudgeServerKey(fi, c.db)
	if r.OK {
		g.ok("permissions", "mode %04o, owned by %s: the server accepts it, and %s can read it", uint32(fi.Mode.Perm()), ownerText(c.opts.Lookup, fi), userLabel(c.db))
	} else {
		g.add(LevelError, "permissions", Source(r.Source), r.Message).detail("%s", r.Detail).fix("%s", r.Hint)
		if r.Problem == keyperm.NotFound || r.Problem == keyperm.NotRegular {
			return
		}
	}
	if c.key.readErr != nil {
		c.cannotRead(g, c.key.readErr)
		return
	}
	loadErr := fmt.Sprintf(`could not load private key file "%s": `, sf.Value)
	stripCmd := fmt.Sprintf("pgcert key strip %s -o %s --force", shellWord(sf.Path), shellWord(sf.Path))
	info := c.key.info
	switch {
	case c.key.infoErr != nil:
		g.add(LevelError, "load", SourceServer, loadErr+"unsupported").
			detail("%s", strings.TrimPrefix(c.key.infoErr.Error(), "keys: ")).
			fix("point ssl_key_file at the server's private key, in PEM")
		return
	case info.Encoding == "DER":
		g.add(LevelError, "load", SourceServer, loadErr+"unsupported").
			detail("the key is DER; the server reads only PEM").
			fix("write it as PEM: %s", stripCmd)
		return
	}
	g.ok("load", "%s", keyText(info))
	if c.key.parseErr != nil && !errors.Is(c.key.parseErr, keys.ErrIncorrectPassphrase) {
		g.fail("load", "pgcert cannot read the key: %s", strings.TrimPrefix(c.key.parseErr.Error(), "keys: "))
	}
	if info.Encrypted {
		c.passphrase(g, sf, loadErr, stripCmd)
	}
	c.keyMatch(g, sf, loadErr)
}

// passphrase checks what the server needs to decrypt an encrypted key.
func (c *checker) passphrase(g *Group, sf pgdata.SSLFile, loadErr, stripCmd string) {
	ssl := c.s.SSL
	switch {
	case ssl.PassphraseCommand == "":
		g.add(LevelError, "passphrase", SourceServer, loadErr+"processing error").
			detail("the key is encrypted and ssl_passphrase_command is not set: the server asks for the passphrase on a terminal, which it has none of under pg_ctl or systemd").
			fix("set ssl_passphrase_command to a command that prints the passphrase, or remove the passphrase: %s", stripCmd)
	case !ssl.PassphraseCommandSupportsReload:
		g.ok("passphrase", "encrypted: ssl_passphrase_command gives its passphrase at start")
		g.warn("passphrase", "ssl_passphrase_command_supports_reload is off: a reload cannot decrypt the key").
			detail(`on pg_ctl reload the server logs "SSL configuration was not reloaded" and keeps serving the old certificate`).
			fix("set ssl_passphrase_command_supports_reload = on when the command needs no terminal")
	default:
		g.ok("passphrase", "encrypted: ssl_passphrase_command gives its passphrase, at start and on reload")
	}
	if errors.Is(c.key.parseErr, keys.ErrIncorrectPassphrase) {
		g.fail("passphrase", "the --passin passphrase does not decrypt %s", sf.Value).
			fix("give the passphrase ssl_passphrase_command prints")
	}
}

// keyMatch checks that the key belongs to the first certificate of ssl_cert_file,
// which the server takes as its own.
func (c *checker) keyMatch(g *Group, sf pgdata.SSLFile, loadErr string) {
	if len(c.certs) == 0 {
		return
	}
	first := c.certs[0]
	if c.key.pub == nil {
		if c.key.parseErr == nil {
			g.ok("match", "not matched with %s: the key is encrypted (give its passphrase with --passin to match it)", c.s.SSL.CertFile)
		}
		return
	}
	if keys.CertificateHasKey(first.Cert, c.key.pub) {
		g.ok("match", "belongs to the first certificate of %s, %s", c.s.SSL.CertFile, subject(first))
		return
	}
	fd := g.add(LevelError, "match", SourceServer, loadErr+"key values mismatch")
	for i, in := range c.certs {
		if keys.CertificateHasKey(in.Cert, c.key.pub) {
			fd.detail("the key belongs to certificate %d of %s, %s, but the server takes the first, %s, as its own", i+1, c.s.SSL.CertFile, subject(in), subject(first)).
				fix("put the leaf first: %s", c.chainFix())
			return
		}
	}
	fd.detail("the key belongs to none of the certificates of %s; the first is %s", c.s.SSL.CertFile, subject(first)).
		fix("%s", orSentence(prefixed("make a new key and certificate", c.reissueFix(first.Cert)),
			fmt.Sprintf("use the key %s was issued for, or issue a certificate for this key", subject(first))))
}

// keyText describes a key in one line.
func keyText(info *keys.Info) string {
	var b strings.Builder
	switch {
	case info.Algorithm == "":
		b.WriteString("a private key")
	case info.Curve != "":
		fmt.Fprintf(&b, "%s %s key", info.Algorithm, info.Curve)
	case info.Bits > 0:
		fmt.Fprintf(&b, "%s %d key", info.Algorithm, info.Bits)
	default:
		fmt.Fprintf(&b, "%s key", info.Algorithm)
	}
	fmt.Fprintf(&b, ", %s %s", info.Encoding, info.Container)
	if info.Encrypted && info.Encryption != nil {
		fmt.Fprintf(&b, ", encrypted (%s, %s)", info.Encryption.Scheme, info.Encryption.Cipher)
	}
	return b.String()
}

// pathOf is the resolved path of a setting's file.
func pathOf(c *checker, setting string) string {
	sf, _ := c.s.File(setting)
	return sf.Path
}

func indexOf(ins []chain.Input, in chain.Input) int {
	for i, x := range ins {
		if bytes.Equal(x.Cert.Raw, in.Cert.Raw) {
			return i
		}
	}
	return -1
}

// inIssuingOrder reports whether the certificates of the file that lie on path come
// in path order.
func inIssuingOrder(file []chain.Input, path *chain.Path) bool {
	last := -1
	for _, in := range path.Certs {
		i := indexOf(file, in)
		if i < 0 {
			continue
		}
		if i < last {
			return false
		}
		last = i
	}
	return true
}

func issuersText(path *chain.Path) string {
	n := len(path.Certs) - 1
	if n == 0 {
		if path.Complete {
			return ", self-signed"
		}
		return ""
	}
	return ", then " + plural(n, "issuer", "issuers")
}

// chainErrors splits the errors chain.Build joins.
func chainErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// reasonOf is OpenSSL's verification reason for a chain error, as the server logs
// it and `openssl verify` prints it.
func reasonOf(err error) string {
	var ve *chain.VerifyError
	var sig *chain.SignatureError
	var notCA *chain.NotCAError
	var pathLen *chain.PathLenError
	switch {
	case errors.As(err, &ve):
		return ve.Reason.String()
	case errors.As(err, &sig):
		return chain.CertSignatureFailure.String()
	case errors.As(err, &notCA):
		return chain.InvalidCA.String()
	case errors.As(err, &pathLen):
		return chain.PathLengthExceeded.String()
	}
	return chainText(err)
}

func subjectsOf(ins []chain.Input) string {
	var names []string
	for _, in := range ins {
		if s := subject(in); !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	return strings.Join(names, " or ")
}

// loadSecurity reports a certificate of ssl_cert_file that OpenSSL refuses to load at
// the default security level (chain.LoadRefusal): the server then does not start.
func (c *checker) loadSecurity(g *Group, sf pgdata.SSLFile) {
	reason, at := chain.LoadRefusal(c.certs, chain.DefaultSecurityLevel)
	if reason == "" {
		return
	}
	weak := c.certs[at]
	fd := g.add(LevelError, "load", SourceServer, fmt.Sprintf(`could not load server certificate file "%s": %s`, sf.Value, reason))
	what := "its key"
	if reason == "ca md too weak" {
		what = "its signature (" + weak.Cert.SignatureAlgorithm.String() + ")"
	}
	fd.detail("%s, certificate %d of the file: %s is too weak for OpenSSL's security level %d, the default of OpenSSL 3.2 and later and of Debian's and Ubuntu's OpenSSL, which refuses RSA keys under 2048 bits, curves under 224 bits and SHA-1 signatures",
		chain.Subject(weak.Cert), at+1, what, chain.DefaultSecurityLevel)
	if at > 0 {
		fd.fix("the CA certificate is the weak one: its CA needs a new key, or the server a certificate from another CA")
		return
	}
	if cmd := c.renewFix(" --force --rekey --reload"); cmd != "" && reason == "ee key too small" {
		fd.fix("renew it with a new key from the data directory's CA: %s", cmd)
		return
	}
	if cmd := c.reissueFix(weak.Cert); cmd != "" {
		fd.fix("make a new key and certificate: %s", cmd)
	}
}
