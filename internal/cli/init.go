package cli

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

type initOptions struct {
	f            *Factory
	DataDir      string
	CADir        string
	Hosts        []string
	Clients      []string
	ClientsDir   string
	Intermediate bool
	Type         string
	Curve        string
	Bits         int
	Days         int
	NoRoot       bool
	PK8          bool
	Configure    bool
	Encrypt      bool
	PassOut      string
	PassIn       string
	Force        bool
}

// backupSuffix names the copy pgcert keeps of a configuration file before it edits
// it: postgresql.conf.pgcert-bak, pg_hba.conf.pgcert-bak.
const backupSuffix = ".pgcert-bak"

func newInitCmd(f *Factory, runF func(*initOptions) error) *cobra.Command {
	opts := &initOptions{f: f}
	cmd := &cobra.Command{
		Use:   "init -D PGDATA",
		Short: "make a data directory ready for verify-full and certificate logins, in one command",
		Long: `Set up SSL for a PostgreSQL data directory with a local CA, in one step:

  - the CA: created in --ca-dir (default ~/.local/share/pgcert/ca) unless one is
    there, which is reused; --intermediate adds an intermediate CA that signs;
  - PGDATA/server.key (0600) and PGDATA/server.crt: the leaf for every --host
    (default: the names of the server.crt this CA issued before, else this host's
    name and localhost), then the intermediate CA, then the
    root when the file holds more than one certificate, as the manual advises
    (--no-root leaves it out);
  - PGDATA/root.crt: the root CA, which client certificates chain to (ssl_ca_file);
  - PGDATA/root.crl: a current CRL for every CA of the chain, root included: once a
    CRL is configured, the server rejects every client certificate whose CAs do not
    all have one;
  - a client bundle for each --client ROLE in CLIENTS_DIR/ROLE (default
    CA_DIR/clients/ROLE, never inside the data directory): postgresql.crt,
    postgresql.key (0600), root.crt, and the connection string that uses them.

All files are written together or not at all: on any failure the data directory is
left as it was. Run as root, the files take the data directory's owner, as the
server requires of its key. Existing files are only replaced with --force; a rerun
with --force is how the CRL is refreshed after pgcert ca revoke.

The postgresql.conf and pg_hba.conf lines are printed in the syntax of the
version in PGDATA/PG_VERSION (the newest when PGDATA is not a data directory yet,
which is said). --configure writes them: the settings into pgcert.conf beside
postgresql.conf, which gets one include_if_exists line, so a rerun adds nothing;
the hostssl ... cert lines once, before the other host lines of pg_hba.conf (the
first matching line wins). Each edited file is first copied to FILE.pgcert-bak.
A PGDATA that does not exist is created with mode 0700.

At a terminal, without --host and --client, init asks for what they and the other
flags would say: the host names (default: this machine's fully qualified name and
localhost, or the names of the server.crt this CA issued before), the key type,
whether a new CA gets an intermediate, the client roles (comma-separated, none by
default) and whether to configure the server; a question whose flag was given is
skipped. It then shows what it will write, and the command that does the same
without questions, and asks to go on (Enter says yes). With --no-input,
PGCERT_NO_INPUT=1, or without a terminal, nothing is asked: flags and defaults.

Exit codes: 0 written; 1 failure, or no at the confirmation (the data directory
unchanged); 2 bad usage; 130 interrupted (nothing written).`,
		Example: `  # instead of: openssl req -new -x509 -days 3650 -nodes -text -out root.crt -keyout root.key -subj "/CN=root.yourdomain.com"
  #             openssl req -new -nodes -text -out server.csr -keyout server.key -subj "/CN=db.example.com"
  #             openssl x509 -req -in server.csr -text -days 365 -CA root.crt -CAkey root.key -CAcreateserial -out server.crt
  #             the same for each client, openssl ca -gencrl -out root.crl, cp into $PGDATA,
  #             chmod og-rwx server.key, chown postgres, and editing postgresql.conf and pg_hba.conf
  sudo pgcert init -D /var/lib/postgresql/15/main --host db.example.com --client alice --configure

  # at a terminal: questions, a summary, then the files
  sudo pgcert init -D /var/lib/postgresql/15/main

  # try it without a server
  pgcert init -D /tmp/pgdata --ca-dir /tmp/pgcert-ca --client alice

  # after pgcert ca revoke: a new root.crl (and server certificate), then reload
  sudo pgcert init -D /var/lib/postgresql/15/main --force`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(cmd, opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.StringVarP(&opts.DataDir, "pgdata", "D", "", "the data `DIR`ectory (created with mode 0700 when missing)")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a host `NAME` or IP address clients connect to (repeatable; default: this host's name and localhost)")
	fl.StringArrayVar(&opts.Clients, "client", nil, "issue a client certificate for database `ROLE` (repeatable)")
	fl.StringVar(&opts.ClientsDir, "clients-dir", "", "write client bundles into `DIR`/ROLE (default: CA_DIR/clients)")
	fl.BoolVar(&opts.Intermediate, "intermediate", false, "when creating the CA, add an intermediate CA that signs")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "validity of the server and client certificates in days (cut to the CA's)")
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root CA out of server.crt")
	fl.BoolVar(&opts.PK8, "pk8", false, "also write postgresql.pk8 (DER PKCS#8, for the JDBC driver) into client bundles")
	fl.BoolVar(&opts.Configure, "configure", false, "write the postgresql.conf and pg_hba.conf settings too")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "when creating the CA, encrypt its keys with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for a new CA's keys (implies --encrypt)")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of an existing, encrypted CA")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace existing SSL files and client bundles (and allow a CA inside a data directory or with an Ed25519 key)")
	cmd.MarkFlagRequired("pgdata")
	cmd.MarkFlagDirname("pgdata")
	cmd.MarkFlagDirname("clients-dir")
	return cmd
}

// initReport is the --json output of init.
type initReport struct {
	DataDir        string         `json:"data_directory"`
	IsDataDir      bool           `json:"is_data_directory"`
	Version        string         `json:"version"`
	VersionAssumed bool           `json:"version_assumed"`
	CA             caReport       `json:"ca"`
	Server         issuedReport   `json:"server"`
	CRLs           []crlReport    `json:"crls"`
	Clients        []clientBundle `json:"clients"`
	Files          []fileReport   `json:"files"`
	PostgresqlConf []string       `json:"postgresql_conf"`
	PgHBAConf      []string       `json:"pg_hba_conf"`
	Configured     bool           `json:"configured"`
}

// crlReport describes one CRL of root.crl.
type crlReport struct {
	Issuer     string `json:"issuer"`
	Number     string `json:"number"`
	Entries    int    `json:"entries"`
	NextUpdate string `json:"next_update"`
}

func initRun(cmd *cobra.Command, opts *initOptions) error {
	f := opts.f
	if err := f.askInit(cmd, opts); err != nil {
		return err
	}
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if opts.Days <= 0 {
		return usageErrorf("--days %d: give a positive number of days", opts.Days)
	}
	seen := map[string]bool{}
	for _, role := range opts.Clients {
		if err := checkRole(role); err != nil {
			return err
		}
		if err := checkRoleDir(role, "pgcert ca issue client -o DIR"); err != nil {
			return err
		}
		if seen[role] {
			return usageErrorf("--client %s is given twice", role)
		}
		seen[role] = true
	}
	if len(opts.Hosts) > 0 {
		sans, err := selfsign.HostSANs(opts.Hosts)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("--host: %w", err)}
		}
		if err := checkWildcards(sans, opts.Force); err != nil {
			return err
		}
	}

	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return err
	}
	if err := ensureDataDir(f, dataDir); err != nil {
		return err
	}
	dd, err := inspectDataDir(dataDir)
	if err != nil {
		return err
	}
	var cfg *pgdata.Config
	if opts.Configure {
		if cfg, err = checkConfigurable(dd); err != nil {
			return err
		}
	}
	if !dd.IsDataDir {
		f.infof("%s is not a data directory yet (no %s): the settings below are for PostgreSQL %s; initdb refuses a directory that is not empty, so run initdb elsewhere and copy these files in",
			dd.Dir, strings.Join(dd.Missing, ", "), dd.Version)
	}

	caDir, err := f.resolveCADir(opts.CADir)
	if err != nil {
		return err
	}
	clientsDir := opts.ClientsDir
	if clientsDir == "" {
		clientsDir = filepath.Join(caDir, clientsSubdir)
	}
	if clientsDir, err = filepath.Abs(clientsDir); err != nil {
		return err
	}
	if len(opts.Clients) > 0 && (ca.Within(clientsDir, dd.Dir) || ca.Within(clientsDir, dataDir)) {
		return failf([]string{"client keys belong to the clients: choose a directory outside the data directory with --clients-dir"},
			"the client bundle directory %s is inside the data directory %s", clientsDir, dd.Dir)
	}

	// What will be written, so that a refusal comes before any work.
	sslNames := []string{"server.key", "server.crt", "root.crt", "root.crl"}
	var targets []string
	for _, n := range sslNames {
		targets = append(targets, filepath.Join(dd.Dir, n))
	}
	for _, role := range opts.Clients {
		targets = append(targets, clientPaths(filepath.Join(clientsDir, role), opts.PK8)...)
	}
	for _, p := range targets {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			return failf([]string{"move it out of the way: pgcert never replaces a directory"}, "%s is a directory; nothing was written", p)
		}
	}
	force, err := f.allowOverwrite(opts.Force, targets...)
	if err != nil {
		return err
	}
	if !force {
		var existing []string
		for _, p := range targets {
			if fileExists(p) {
				existing = append(existing, p)
			}
		}
		if len(existing) > 0 {
			what := existing[0]
			if t := linkTarget(what); t != "" {
				what += " (a symbolic link to " + t + ", which --force replaces, never writing through it)"
			}
			return failf([]string{"add --force to replace them (that is also how the CRL is refreshed after pgcert ca revoke)"},
				"%s already exists%s; nothing was written", what, more(len(existing)-1))
		}
	}

	c, created, err := f.initCA(opts, caDir, dd.Dir, gen)
	if err != nil {
		return err
	}
	if err := f.unlockCAs(opts.PassIn, c.CAs()...); err != nil {
		return err
	}
	if c.Root() == nil {
		return failf([]string{fmt.Sprintf("put the root CA certificate into %s", filepath.Join(c.Dir, ca.RootDir, ca.CertFile))},
			"%s: the CA's root certificate is missing; the server and clients need it as root.crt", c.Dir)
	}

	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = previousHosts(filepath.Join(dd.Dir, "server.crt"), c)
	}
	if len(hosts) == 0 {
		hosts = f.defaultHosts()
	}
	// The server's and the clients' certificates are issued in one batch: one lock,
	// one index write.
	serverKey, serverReq, err := f.serverRequest(hosts, gen, opts.Days)
	if err != nil {
		return err
	}
	reqs := []ca.Request{serverReq}
	clientKeys := make([]crypto.Signer, len(opts.Clients))
	for i, role := range opts.Clients {
		key, r, err := f.clientRequest(role, gen, opts.Days)
		if err != nil {
			return err
		}
		clientKeys[i] = key
		reqs = append(reqs, r)
	}
	issued, err := c.IssueAll(reqs)
	if err != nil {
		return caIssueError(c, err)
	}
	si, err := f.finishServer(c, serverKey, issued[0], opts.NoRoot)
	if err != nil {
		return err
	}
	crlPEM, crls, err := f.chainCRLs(c, 0)
	if err != nil {
		return err
	}

	var txn fsutil.Txn
	owner := func(mode os.FileMode) fsutil.Options { return dataDirOwner(dd.Dir, mode, force) }
	txn.Add(filepath.Join(dd.Dir, "server.key"), si.KeyPEM, owner(fsutil.KeyMode))
	txn.Add(filepath.Join(dd.Dir, "server.crt"), si.Chain, owner(fsutil.PublicMode))
	txn.Add(filepath.Join(dd.Dir, "root.crt"), ca.PEM(c.Root()), owner(fsutil.PublicMode))
	txn.Add(filepath.Join(dd.Dir, "root.crl"), crlPEM, owner(fsutil.PublicMode))

	var bundles []*clientBundle
	var bundleFiles [][]pendingWrite
	for i, role := range opts.Clients {
		b, files, err := f.bundleFiles(c, issued[i+1], clientKeys[i], role, filepath.Join(clientsDir, role), opts.PK8, force, hosts[0])
		if err != nil {
			return err
		}
		for _, p := range files {
			txn.Add(p.Path, p.Data, p.Opts)
		}
		bundles = append(bundles, b)
		bundleFiles = append(bundleFiles, files)
	}

	confLines, hbaLines, err := initConfLines(dd)
	if err != nil {
		return err
	}
	if opts.Configure {
		if err := f.addConfiguration(&txn, dd, cfg); err != nil {
			return err
		}
	}

	written, err := txn.Commit()
	if err != nil {
		return withHints(err, "the data directory was left as it was")
	}
	for i, b := range bundles {
		f.finishBundle(b, bundleFiles[i], written)
	}

	r := initReport{
		DataDir:        dd.Dir,
		IsDataDir:      dd.IsDataDir,
		Version:        dd.Version.String(),
		VersionAssumed: dd.VersionAssumed,
		CA:             reportCA(c, created),
		Server:         reportIssued(c, si.Issued, nil),
		CRLs:           crls,
		Clients:        []clientBundle{},
		Files:          []fileReport{},
		PostgresqlConf: confLines,
		PgHBAConf:      hbaLines,
		Configured:     opts.Configure,
	}
	if created {
		for _, x := range c.CAs() {
			for _, name := range []string{ca.CertFile, ca.KeyFile, ca.IndexFile, ca.AttrFile, ca.SerialFile, ca.CRLNumberFile, ca.ConfigFile} {
				r.CA.Files = append(r.CA.Files, statReport(filepath.Join(x.Dir, name)))
			}
		}
	}
	for _, w := range written {
		f.noteReplacedLink(w)
		fr := reportFile(w)
		r.Files = append(r.Files, fr)
		if base := filepath.Base(w.Path); filepath.Dir(w.Path) == dd.Dir && (base == "server.key" || base == "server.crt") {
			r.Server.Files = append(r.Server.Files, fr)
		}
	}
	for _, b := range bundles {
		r.Clients = append(r.Clients, *b)
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	return f.printInit(r, c, opts.Configure)
}

// more says how many other files there are, for messages.
func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d other file(s))", n)
}

// previousHosts returns the host names of the server certificate a previous run
// wrote, when this CA issued it, so that a rerun without --host (to refresh the CRL)
// keeps the names clients connect with.
func previousHosts(path string, c *ca.CA) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil || certs[0].CheckSignatureFrom(c.Cert) != nil {
		return nil
	}
	hosts := append([]string(nil), certs[0].DNSNames...)
	for _, ip := range certs[0].IPAddresses {
		hosts = append(hosts, ip.String())
	}
	return hosts
}

// ensureDataDir makes -D when it does not exist, with the mode initdb gives a data
// directory, so that the first command on a fresh machine works.
func ensureDataDir(f *Factory, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return failf([]string{"give the data directory with -D"}, "%s is not a directory", dir)
	case err == nil:
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return failf([]string{"create it yourself, or give another -D"}, "creating %s: %v", dir, err)
	}
	f.infof("created %s (mode 0700)", dir)
	return nil
}

// initCA opens the CA in dir, or creates it.
func (f *Factory) initCA(opts *initOptions, dir, dataDir string, gen keys.GenerateOptions) (*ca.CA, bool, error) {
	if _, err := os.Stat(filepath.Join(dir, ca.CertFile)); err == nil {
		c, err := f.openCA(dir)
		if err != nil {
			return nil, false, err
		}
		if opts.Intermediate && c.Parent == nil {
			return nil, false, failf([]string{"drop --intermediate to use this CA, or give a new --ca-dir for a CA with an intermediate"},
				"the CA in %s has no intermediate CA", dir)
		}
		if opts.Encrypt || opts.PassOut != "" {
			f.warnf("the CA in %s exists: --encrypt and --passout apply only when a CA is created", dir)
		}
		f.infof("using the CA in %s", dir)
		return c, false, nil
	}
	c, err := f.createCA(caSpec{Dir: dir, Intermediate: opts.Intermediate, Key: gen, Days: selfsign.DefaultRootCADays,
		Encrypt: opts.Encrypt, PassOut: opts.PassOut, Force: opts.Force, DataDir: dataDir})
	if err != nil {
		return nil, false, err
	}
	f.infof("created a CA in %s", dir)
	return c, true, nil
}

// chainCRLs makes a new CRL for every CA of the chain, valid for days (0:
// crl.DefaultDays), and returns them as one file, each CRL preceded by a comment
// naming its issuer. pgcert init and pgcert crl gen --ca-dir both make them here.
func (f *Factory) chainCRLs(c *ca.CA, days int) ([]byte, []crlReport, error) {
	now := f.Now()
	var lists []*x509.RevocationList
	var cas []*x509.Certificate
	var reports []crlReport
	for _, x := range c.CAs() {
		res, err := x.GenerateCRL(ca.CRLOptions{Now: now, Days: days, Rand: f.Rand})
		if err != nil {
			return nil, nil, fmt.Errorf("making the CRL of %s: %w", x.Dir, err)
		}
		parsed, err := crl.ParseCRLs(res.Signed.DER())
		if err != nil {
			return nil, nil, err
		}
		lists = append(lists, parsed...)
		cas = append(cas, x.Cert)
		for _, l := range parsed {
			reports = append(reports, describeCRLReport(l))
		}
	}
	m, err := crl.Merge(lists, cas, now, false)
	if err != nil {
		return nil, nil, err
	}
	return m.PEM(), reports, nil
}

// initConfLines returns the postgresql.conf settings and pg_hba.conf lines for dd's
// version.
func initConfLines(dd *pgdata.DataDir) (conf, hba []string, err error) {
	data, err := pgdata.PgcertConf(pgdata.DefaultSSLFiles, dd.Version)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !strings.HasPrefix(l, "#") {
			conf = append(conf, l)
		}
	}
	rules, err := pgdata.CertRules(pgdata.CertRulesOptions{}, dd.Version)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rules {
		hba = append(hba, r.String())
	}
	return conf, hba, nil
}

// checkConfigurable refuses, before any work, to edit a postgresql.conf or
// pg_hba.conf that the server cannot read: lines added to a file in error would not
// make it right, and the backup would be of a file already broken. It returns the
// configuration it read (nil when dd has no postgresql.conf) for addConfiguration.
func checkConfigurable(dd *pgdata.DataDir) (*pgdata.Config, error) {
	if dd.ConfigFile == "" {
		return nil, nil
	}
	hints := []string{"correct it first (`pgcert check -D` says more), or leave out --configure"}
	cfg, err := pgdata.LoadConfigFile(dd.ConfigFile, dd.Dir)
	if errs := confErrors(err); len(errs) > 0 {
		return nil, failf(hints, "%s: %s; nothing was written", dd.ConfigFile, errs[0].Message)
	}
	hbaPath := cfg.HBAFile(filepath.Dir(dd.ConfigFile))
	if _, err := os.Stat(hbaPath); err != nil {
		return cfg, nil
	}
	if _, err := pgdata.LoadHBA(hbaPath, dd.Version); err != nil {
		return nil, failf(hints, "%s: %s; nothing was written", hbaPath, confErrors(err)[0].Message)
	}
	return cfg, nil
}

// addConfiguration adds pgcert.conf, and the edited postgresql.conf and pg_hba.conf
// with their backups, to txn. cfg is the configuration checkConfigurable read.
func (f *Factory) addConfiguration(txn *fsutil.Txn, dd *pgdata.DataDir, cfg *pgdata.Config) error {
	confDir := dd.ConfigDir
	if dd.ConfigFile != "" {
		confDir = filepath.Dir(dd.ConfigFile)
	}
	pc, err := pgdata.PgcertConf(pgdata.DefaultSSLFiles, dd.Version)
	if err != nil {
		return err
	}
	txn.Add(filepath.Join(confDir, pgdata.PgcertConfName), pc, dataDirOwner(confDir, 0o600, true))
	if dd.ConfigFile == "" {
		f.warnf("%s has no postgresql.conf: wrote %s only; add the line include_if_exists '%s' to postgresql.conf once it exists",
			dd.Dir, filepath.Join(confDir, pgdata.PgcertConfName), pgdata.PgcertConfName)
		return nil
	}
	conf, err := os.ReadFile(dd.ConfigFile)
	if err != nil {
		return fmt.Errorf("reading %s: %w", dd.ConfigFile, err)
	}
	if out, changed := pgdata.EnsureInclude(conf, confDir); changed {
		if err := f.addEdit(txn, dd.ConfigFile, conf, out); err != nil {
			return err
		}
	}
	auto := filepath.Join(dd.Dir, pgdata.AutoConfFileName)
	for _, s := range cfg.SetIn(auto, pgdata.SSLParameters(dd.Version)...) {
		f.warnf("%s sets %s (ALTER SYSTEM), which wins over %s: run ALTER SYSTEM RESET %s", auto, s.Name, pgdata.PgcertConfName, s.Name)
	}
	hbaPath := cfg.HBAFile(confDir)
	hba, err := os.ReadFile(hbaPath)
	if errors.Is(err, fs.ErrNotExist) {
		f.warnf("%s does not exist: add the pg_hba.conf lines below yourself", hbaPath)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", hbaPath, err)
	}
	rules, err := pgdata.CertRules(pgdata.CertRulesOptions{}, dd.Version)
	if err != nil {
		return err
	}
	out, changed, err := pgdata.EnsureHBA(hba, rules, dd.Version)
	if err != nil {
		return err
	}
	if changed {
		return f.addEdit(txn, hbaPath, hba, out)
	}
	return nil
}

// addEdit adds a configuration file's new contents and the backup of its old ones to
// txn, both with the file's mode and owner. A configuration file that is a symbolic
// link (kept elsewhere by configuration management, say) is edited at its target,
// the backup beside it, and the link is left in place: the server reads through it.
func (f *Factory) addEdit(txn *fsutil.Txn, path string, old, new []byte) error {
	if li, err := os.Lstat(path); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return err
		}
		f.infof("%s is a symbolic link: editing its target %s", path, target)
		path = target
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	opts := fsutil.Options{Mode: fi.Mode().Perm(), Force: true}
	if os.Geteuid() == 0 {
		opts.Chown = true
		opts.UID, opts.GID = ownerOf(fi)
	}
	txn.Add(path+backupSuffix, old, opts)
	txn.Add(path, new, opts)
	return nil
}

func (f *Factory) printInit(r initReport, c *ca.CA, configured bool) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s is ready for ssl = on with a CA in %s\n", r.DataDir, r.CA.Dir)
	for _, fr := range r.Files {
		fmt.Fprintf(&b, "  wrote %s (mode %s, owner %s)\n", fr.Path, fr.Mode, fr.Owner)
	}
	fmt.Fprintf(&b, "server certificate %s for %s, until %s\n", r.Server.Serial, r.Server.SANs, r.Server.NotAfter[:10])
	for _, cr := range r.CRLs {
		fmt.Fprintf(&b, "CRL %s of %s, %d revoked, next update %s\n", cr.Number, cr.Issuer, cr.Entries, cr.NextUpdate[:10])
	}
	version := "PostgreSQL " + r.Version
	if r.VersionAssumed {
		version += " (assumed: no PG_VERSION)"
	}
	if configured {
		fmt.Fprintf(&b, "\nconfigured for %s; reload the server (pg_ctl reload, or SELECT pg_reload_conf()):\n", version)
	} else {
		fmt.Fprintf(&b, "\npostgresql.conf (%s; or rerun with --configure):\n", version)
	}
	for _, l := range r.PostgresqlConf {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fmt.Fprintf(&b, "pg_hba.conf, before the other host lines (the first matching line wins):\n")
	for _, l := range r.PgHBAConf {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	if len(r.Clients) > 0 {
		fmt.Fprintf(&b, "\nclients (create the roles first: CREATE ROLE name LOGIN):\n")
		for _, cb := range r.Clients {
			fmt.Fprintf(&b, "  %s: %s\n    psql \"%s\"\n", cb.Role, cb.Dir, cb.ConnString)
		}
	}
	_, err := f.IO.Out.Write(b.Bytes())
	return err
}
