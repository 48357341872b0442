package cli

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
)

// defaultWarnDays is how close to its end a certificate or CRL draws a warning: 30
// days, the window pgcert's chain and CRL code use too (chain.DefaultExpiryWarning,
// crl.RenewBefore). A month leaves time to renew a certificate and roll it out, and a
// CRL renewed on pgcert's schedule never enters it.
const defaultWarnDays = 30

// checkOptions are the flags of `pgcert check`.
type checkOptions struct {
	f        *Factory
	DataDir  string
	Hosts    []string
	WarnDays int
	Strict   bool
	PassIn   string
	Expiring bool

	lookup keyperm.Lookup
}

// newCheckCmd is `pgcert check`.
func newCheckCmd(f *Factory, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{f: f, lookup: keyperm.SystemLookup{}}
	cmd := &cobra.Command{
		Use:   "check -D PGDATA",
		Short: "predict what the server and libpq will say about a data directory's SSL set-up",
		Long: `Read a data directory's configuration the way the server does — postgresql.conf with
include, include_if_exists and include_dir, then postgresql.auto.conf, the last
setting winning, relative paths against the data directory, the rules of the version
in PG_VERSION — and check every SSL file it names, before the server refuses to start
or a client refuses to connect:

  - ssl is on; every file exists and the database user can read it; the key's mode
    and owner pass the server's rule;
  - the key loads (PEM; an encrypted key needs ssl_passphrase_command) and matches
    the first certificate of ssl_cert_file;
  - ssl_cert_file: leaf first, each next certificate the issuer of the one before,
    signatures, validity and days left, extendedKeyUsage serverAuth, subjectAltNames,
    and the --host names as libpq matches them for sslmode=verify-full;
  - ssl_ca_file: CA certificates only, reaching self-signed roots, days left;
  - ssl_crl_file and ssl_crl_dir: each CRL parses and is signed by its CA, every CA of
    ssl_ca_file has a current one (once any CRL is configured the server checks every
    CA of a client's chain and refuses the client when one has none), days left;
  - settings that weaken SSL: ssl_min_protocol_version below TLSv1.2, NULL ciphers;
  - pg_hba.conf: lines the server refuses (clientcert=1 since PostgreSQL 14), and
    client-certificate lines while ssl_ca_file is empty.

Findings are grouped per file as ok, warning or error, with the server's or libpq's
own words where they have any, and a fix. The database user is the data directory's
owner. pgcert must be able to read the files: run it as root or as that user.

--expiring prints instead every certificate and CRL of those files with its days
left, soonest first, for monitoring (--json for a machine); it exits 1 when one has
expired, or with --strict when one expires within --warn-days.

Exit codes: 0 when there is no error (warnings alone too, unless --strict), 1 when
there is an error, or with --strict a warning, or the directory cannot be read;
2 for a wrong command line.`,
		Example: `  # instead of: openssl x509 -in server.crt -noout -dates -ext subjectAltName
  #             openssl verify -CAfile root.crt -untrusted server.crt server.crt
  #             openssl crl -in root.crl -noout -nextupdate
  #             ls -l server.key, and reading postgresql.conf and pg_hba.conf
  pgcert check -D /var/lib/postgresql/15/main

  # Debian keeps postgresql.conf apart from the data directory: either works
  pgcert check -D /etc/postgresql/15/main --host db.example.com --host 10.0.0.5

  # for monitoring
  pgcert check -D "$PGDATA" --json --warn-days 14 --strict
  pgcert check -D "$PGDATA" --expiring --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.DataDir == "" {
				return usageErrorf("give the data directory with -D PGDATA")
			}
			if opts.WarnDays < 0 {
				return usageErrorf("--warn-days must be 0 or more, not %d", opts.WarnDays)
			}
			for _, h := range opts.Hosts {
				if strings.TrimSpace(h) == "" {
					return usageErrorf("--host needs a host name")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.DataDir, "pgdata", "D", "", "the data directory (or the directory holding postgresql.conf)")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a host name clients use, checked against the certificate with libpq's rules (repeatable)")
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates and CRLs that expire within this many days")
	fl.BoolVar(&opts.Strict, "strict", false, "exit 1 on warnings too")
	fl.BoolVar(&opts.Expiring, "expiring", false, "list every certificate and CRL with its days left, soonest first")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase source for an encrypted server key, to match it with the certificate (pass:, env:, file:, fd:, stdin)")
	cmd.MarkFlagDirname("pgdata")
	return cmd
}

// checkRun checks the data directory and prints the report.
func checkRun(opts *checkOptions) error {
	f := opts.f
	setup, err := readServerSetup(opts.DataDir, opts.lookup)
	if err != nil {
		return err
	}
	c := &checker{
		f: f, opts: opts, s: setup, db: setup.DBUser,
		now:    f.Now(),
		window: time.Duration(opts.WarnDays) * 24 * time.Hour,
	}
	rep := c.run()
	if opts.Expiring {
		return expiringRun(opts, rep, c.now)
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		printCheckReport(f.IO.Out, f.IO.OutColors(), rep)
	}
	if !rep.OK {
		return errProblemsFound
	}
	return nil
}

// checker holds what one run of `pgcert check` has learnt so far.
type checker struct {
	f      *Factory
	opts   *checkOptions
	s      *serverSetup
	db     keyperm.Identity
	now    time.Time
	window time.Duration
	rep    *checkReport

	key   keyState
	certs []chain.Input // ssl_cert_file, in file order
	// chainBroken is set once a signature or CA problem of ssl_cert_file is reported.
	chainBroken bool
	cas         []chain.Input // ssl_ca_file
	// caData and caReadErr are what reading ssl_ca_file gave, for its own group.
	caData    []byte
	caReadErr error
	crls      []loadedCRL // ssl_crl_file, then ssl_crl_dir
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
func (c *checker) run() *checkReport {
	dd := c.s.Dir
	c.rep = &checkReport{
		DataDirectory: dd.Dir, ConfigFile: c.s.Config.File,
		Version: dd.Version.String(), VersionAssumed: dd.VersionAssumed,
		DatabaseUser: userLabel(c.db), CheckedAt: c.now.UTC(),
		WarnDays: c.opts.WarnDays, Hosts: append([]string{}, c.opts.Hosts...), Strict: c.opts.Strict,
		Files: []checkGroup{},
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
func (c *checker) group(name, path, setting string) *checkGroup {
	c.rep.Files = append(c.rep.Files, checkGroup{Name: name, Path: path, Setting: setting, Findings: []checkFinding{}})
	return &c.rep.Files[len(c.rep.Files)-1]
}

// read reads a file named by a setting; when pgcert cannot, the group says so.
func (c *checker) read(g *checkGroup, path string) ([]byte, bool) {
	data, err := c.f.readInput(path)
	if err != nil {
		c.cannotRead(g, err)
		return nil, false
	}
	return data, true
}

func (c *checker) cannotRead(g *checkGroup, err error) {
	g.fail("read", "pgcert cannot read it: %s", lowerFirst(err.Error())).
		fix("run pgcert as root or as the database user %s", userLabel(c.db))
}

// access reports whether the database user can read a certificate or CRL file.
func (c *checker) access(g *checkGroup, kind keyperm.Kind, sf sslFile) bool {
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
	g.add(levelError, "access", r.Source, r.Message).detail("%s", r.Detail).fix("%s", hint)
	return r.Problem != keyperm.NotFound && r.Problem != keyperm.NotRegular
}

// loadKey reads and, when it can, decrypts the server key: its public half is what
// picks the leaf of server.crt.
func (c *checker) loadKey(sf sslFile) {
	data, err := c.f.readInput(sf.Path)
	if err != nil {
		c.key.readErr = err
		return
	}
	c.key.info, c.key.infoErr = keys.Inspect(data)
	if c.key.infoErr != nil {
		return
	}
	var pass keys.PassphraseFunc
	if c.opts.PassIn != "" {
		pass = func() ([]byte, error) { return c.f.readPassphraseSpec("--passin", c.opts.PassIn) }
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
func (c *checker) loadCAs(sf sslFile) {
	if sf.Path == "" {
		return
	}
	c.caData, c.caReadErr = c.f.readInput(sf.Path)
	if c.caReadErr != nil {
		return
	}
	if ins, err := chain.ReadInputs(sf.Value, c.caData); err == nil {
		c.cas = ins
	}
}

// describeCert is a certificate's entry in --json output.
func (c *checker) describeCert(in chain.Input) checkCert {
	e := chain.Describe(in, chain.RoleLeaf)
	return checkCert{
		Subject: e.Subject, Issuer: e.Issuer, Serial: e.Serial,
		NotBefore: e.NotBefore, NotAfter: e.NotAfter, DaysLeft: daysLeft(e.NotAfter, c.now),
		SHA256: e.SHA256, IsCA: in.Cert.BasicConstraintsValid && in.Cert.IsCA,
	}
}

// subject names a certificate in findings.
func subject(in chain.Input) string { return chain.Subject(in.Cert) }

// chainText is a chain error without its package prefix.
func chainText(err error) string { return strings.TrimPrefix(err.Error(), "chain: ") }

// relName names path relative to the data directory when it lies inside it.
func (c *checker) relName(path string) string {
	if rel, err := filepath.Rel(c.s.Dir.Dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// validity reports a certificate's validity period: an error when it is not valid
// now (what follows is said by consequence), a warning within --warn-days.
func (c *checker) validity(g *checkGroup, in chain.Input, what, consequence string) {
	cert := in.Cert
	switch {
	case c.now.Before(cert.NotBefore):
		g.fail("validity", "%s %s is not valid until %s (%s)", what, subject(in), dateText(cert.NotBefore), whenText(cert.NotBefore, c.now)).
			detail("%s: certificate is not yet valid", consequence).
			fix("check the clock of the machine that issued it, or issue it again")
	case !c.now.Before(cert.NotAfter):
		g.fail("validity", "%s %s expired on %s (%s)", what, subject(in), dateText(cert.NotAfter), whenText(cert.NotAfter, c.now)).
			detail("%s: certificate has expired", consequence).
			fix("issue a new certificate and reload the server (pg_ctl reload)")
	case cert.NotAfter.Sub(c.now) <= c.window:
		g.warn("expiry", "%s %s expires on %s (%s)", what, subject(in), dateText(cert.NotAfter), whenText(cert.NotAfter, c.now)).
			fix("renew it before then (within --warn-days %d)", c.opts.WarnDays)
	default:
		g.ok("validity", "%s %s is valid until %s (%d days left)", what, subject(in), dateText(cert.NotAfter), daysLeft(cert.NotAfter, c.now))
	}
}

// alertText is what the other side of a TLS handshake prints when OpenSSL refuses a
// certificate for reason r.
func alertText(r chain.Reason) string {
	return fmt.Sprintf("the client sees %q", "SSL error: "+r.Alert())
}
