package doctor

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// DefaultWarnDays is how close to its end a certificate or CRL draws a warning: 30
// days, the window pgcert's chain and CRL code use too (chain.DefaultExpiryWarning,
// crl.RenewBefore). A month leaves time to renew a certificate and roll it out, and a
// CRL renewed on pgcert's schedule never enters it.
const DefaultWarnDays = 30

// Options are what a check needs beyond the data directory's setup.
type Options struct {
	// Now is the time of the check, read once: every validity and every day count of
	// the report is against this one reading, so that two findings never disagree
	// about a file that expires while the check runs.
	Now time.Time
	// WarnDays is how many days before its end a certificate or CRL draws a warning
	// (0: only once it has expired). Callers usually give DefaultWarnDays.
	WarnDays int
	// Hosts are the host names clients connect with, matched against the server
	// certificate with libpq's rules for sslmode=verify-full.
	Hosts []string
	// Strict makes a warning count against Report.OK, as an error does.
	Strict bool
	// Lookup names the owners of files in findings; nil is the system's user
	// database.
	Lookup keyperm.Lookup
	// Passphrase, when set, decrypts an encrypted server key so that it can be
	// matched with the certificate; the server gets it from ssl_passphrase_command,
	// which the check does not run (it may prompt, or have side effects).
	Passphrase func() ([]byte, error)
}

// Check predicts what the server and libpq will say about the SSL set-up s, read by
// pgdata.ReadSetup: every file its settings name, postgresql.conf and pg_hba.conf.
// The report groups the findings per file in the order the server reads the files.
// Check reads the files named by s (s.Staged in place of the settings' own, for a
// renewal that checks new files before installing them) and never writes.
func Check(s *pgdata.Setup, opts Options) *Report {
	if opts.Lookup == nil {
		opts.Lookup = keyperm.SystemLookup{}
	}
	c := &checker{
		opts: opts, s: s, db: s.DBUser, now: opts.Now,
		window: time.Duration(opts.WarnDays) * 24 * time.Hour,
	}
	return c.run()
}

// checker holds what one check has learnt so far.
type checker struct {
	opts   Options
	s      *pgdata.Setup
	db     keyperm.Identity
	now    time.Time
	window time.Duration
	rep    *Report

	key   keyState
	certs []chain.Input // ssl_cert_file, in file order
	// chainBroken is set once a signature or CA problem of ssl_cert_file is reported.
	chainBroken bool
	cas         []chain.Input // ssl_ca_file
	// caData and caReadErr are what reading ssl_ca_file gave, for its own group.
	caData    []byte
	caReadErr error
	crls      []loadedCRL // ssl_crl_file, then ssl_crl_dir
	// bound is the CA the data directory records, once boundRead; boundErr says
	// why there is none.
	bound     *ca.CA
	boundErr  error
	boundRead bool
}

// keyState is what could be learnt about the server key.
type keyState struct {
	readErr  error
	info     *keys.Info
	infoErr  error
	pub      crypto.PublicKey
	parseErr error
}

// loadedCRL is a CRL and the file it came from.
type loadedCRL struct {
	crl  *x509.RevocationList
	file string
	// signed is set when a CA of ssl_ca_file verified its signature.
	signed bool
}

// run checks everything and returns the report, groups in the order the server reads
// the files: its configuration, the certificate, the key, the CAs, the CRLs, then
// pg_hba.conf when a client connects.
func (c *checker) run() *Report {
	dd := c.s.Dir
	c.rep = &Report{
		DataDirectory: dd.Dir, ConfigFile: c.s.Config.File,
		Version: dd.Version.String(), VersionAssumed: dd.VersionAssumed,
		DatabaseUser: userLabel(c.db), CheckedAt: c.now.UTC(),
		WarnDays: c.opts.WarnDays, Hosts: append([]string{}, c.opts.Hosts...), Strict: c.opts.Strict,
		Files: []Group{},
	}
	certFile, _ := c.s.File("ssl_cert_file")
	keyFile, _ := c.s.File("ssl_key_file")
	caFile, hasCAFile := c.s.File("ssl_ca_file")
	c.loadKey(keyFile)
	c.loadCAs(caFile)

	c.configGroup()
	c.certGroup(certFile)
	c.keyGroup(keyFile)
	if hasCAFile {
		c.caGroup(caFile)
	}
	var crlGroups []int
	if sf, ok := c.s.File("ssl_crl_file"); ok {
		crlGroups = append(crlGroups, c.crlFileGroup(sf))
	}
	if sf, ok := c.s.File("ssl_crl_dir"); ok {
		crlGroups = append(crlGroups, c.crlDirGroup(sf))
	}
	if len(crlGroups) > 0 {
		c.crlCoverage(&c.rep.Files[crlGroups[0]])
	}
	c.hbaGroup()
	c.rep.tally()
	return c.rep
}

// group starts the findings of one file.
func (c *checker) group(name, path, setting string) *Group {
	c.rep.Files = append(c.rep.Files, Group{Name: name, Path: path, Setting: setting, Findings: []Finding{}})
	return &c.rep.Files[len(c.rep.Files)-1]
}

// read reads a file named by a setting; when pgcert cannot, the group says so.
func (c *checker) read(g *Group, path string) ([]byte, bool) {
	data, err := readFile(path)
	if err != nil {
		c.cannotRead(g, err)
		return nil, false
	}
	return data, true
}

func (c *checker) cannotRead(g *Group, err error) {
	g.fail("read", "pgcert cannot read it: %s", lowerFirst(err.Error())).
		fix("run pgcert as root or as the database user %s", userLabel(c.db))
}

// access reports whether the database user can read a certificate or CRL file.
func (c *checker) access(g *Group, kind keyperm.Kind, sf pgdata.SSLFile) bool {
	r := keyperm.JudgePublicFile(kind, keyperm.Stat(sf.Path).Named(sf.Value), c.db)
	if r.OK {
		g.ok("access", "%s can read it", userLabel(c.db))
		return true
	}
	hint := r.Hint
	if kind == keyperm.CRLFile && r.Problem == keyperm.NotFound {
		if fix := c.renewFix(" --reload"); fix != "" {
			hint = fix
		}
	}
	if kind == keyperm.RootCert && r.Problem == keyperm.NotFound {
		if fix := c.rootFix(sf); fix != "" {
			hint = "write the root of the data directory's CA there: " + fix
		}
	}
	g.add(LevelError, "access", Source(r.Source), r.Message).detail("%s", r.Detail).fix("%s", hint)
	return r.Problem != keyperm.NotFound && r.Problem != keyperm.NotRegular
}

// loadKey reads and, when it can, decrypts the server key: its public half is what
// picks the leaf of server.crt.
func (c *checker) loadKey(sf pgdata.SSLFile) {
	data, err := readFile(sf.Path)
	if err != nil {
		c.key.readErr = err
		return
	}
	c.key.info, c.key.infoErr = keys.Inspect(data)
	if c.key.infoErr != nil {
		return
	}
	var pass keys.PassphraseFunc
	if c.opts.Passphrase != nil {
		pass = keys.PassphraseFunc(c.opts.Passphrase)
	}
	k, err := keys.Parse(data, pass)
	if err != nil {
		if !errors.Is(err, keys.ErrPassphraseRequired) {
			c.key.parseErr = err
		}
		return
	}
	c.key.pub = k.Signer.Public()
}

// loadCAs reads ssl_ca_file once for every group: the certificate checks use it as
// the roots a client would hold, the CRL checks as the CAs whose CRLs are needed, and
// its own group says what is wrong with it.
func (c *checker) loadCAs(sf pgdata.SSLFile) {
	if sf.Path == "" {
		return
	}
	c.caData, c.caReadErr = readFile(sf.Path)
	if c.caReadErr != nil {
		return
	}
	if ins, err := chain.ReadInputs(sf.Value, c.caData); err == nil {
		c.cas = ins
	}
}

// describeCert is a certificate's entry in --json output.
func (c *checker) describeCert(in chain.Input) Cert {
	e := chain.Describe(in, chain.RoleLeaf)
	return Cert{
		Subject: e.Subject, Issuer: e.Issuer, Serial: e.Serial,
		NotBefore: e.NotBefore, NotAfter: e.NotAfter, DaysLeft: daysLeft(e.NotAfter, c.now),
		SHA256: e.SHA256, IsCA: in.Cert.BasicConstraintsValid && in.Cert.IsCA,
	}
}

// relName names path relative to the data directory when it lies inside it.
func (c *checker) relName(path string) string {
	if rel, err := filepath.Rel(c.s.Dir.Dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// validity reports a certificate's validity period: an error when it is not valid
// now (what follows is said by consequence), a warning within --warn-days. renew is
// the command that replaces the certificate, "" when none is known.
func (c *checker) validity(g *Group, in chain.Input, what, consequence, renew string) {
	cert := in.Cert
	switch {
	case c.now.Before(cert.NotBefore):
		g.fail("validity", "%s %s is not valid until %s (%s)", what, subject(in), dateText(cert.NotBefore), whenText(cert.NotBefore, c.now)).
			detail("%s: certificate is not yet valid", consequence).
			fix("check the clock of the machine that issued it, or issue it again")
	case !c.now.Before(cert.NotAfter):
		g.fail("validity", "%s %s expired on %s (%s)", what, subject(in), dateText(cert.NotAfter), whenText(cert.NotAfter, c.now)).
			detail("%s: certificate has expired", consequence).
			fix("%s", orSentence(renew, "issue a new certificate and reload the server (pg_ctl reload)"))
	case cert.NotAfter.Sub(c.now) <= c.window:
		g.warn("expiry", "%s %s expires on %s (%s)", what, subject(in), dateText(cert.NotAfter), whenText(cert.NotAfter, c.now)).
			fix("%s", orSentence(renew, fmt.Sprintf("renew it before then (within --warn-days %d)", c.opts.WarnDays)))
	default:
		g.ok("validity", "%s %s is valid until %s (%d days left)", what, subject(in), dateText(cert.NotAfter), daysLeft(cert.NotAfter, c.now))
	}
}

// alertText is what the other side of a TLS handshake prints when OpenSSL refuses a
// certificate for reason r.
func alertText(r chain.Reason) string {
	return fmt.Sprintf("the client sees %q", "SSL error: "+r.Alert())
}
