package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
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
	Replication  []string
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
	// AllowOutside are --allow-outside: configuration files outside the data
	// directory that the admin allows --configure to edit.
	AllowOutside []string
	NewCA        bool
	// Step names a running step-ca as the CA instead of a CA directory.
	Step stepFlags
}

func newInitCmd(f *Factory, runF func(*initOptions) error) *cobra.Command {
	opts := &initOptions{f: f}
	cmd := &cobra.Command{
		Use:   "init -D PGDATA",
		Short: "make a data directory ready for verify-full and certificate logins, in one command",
		Long:  help.Long("init"), Example: help.Example("init"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(cmd, opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, true)
	fl := cmd.Flags()
	addPgdataFlag(cmd, &opts.DataDir, "the data `DIR`ectory (created with mode 0700 when missing)")
	addServerHostsFlag(cmd, &opts.Hosts)
	fl.StringArrayVar(&opts.Clients, "client", nil, "issue a client certificate for database `ROLE` (repeatable)")
	fl.StringArrayVar(&opts.Replication, "replication", nil, "issue a client certificate for replication `ROLE` (pg_basebackup, standbys), with its pg_hba.conf line (repeatable)")
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
	fl.StringArrayVar(&opts.AllowOutside, "allow-outside", nil, "with --configure, allow editing this file outside the data directory (hba_file, or a postgresql.conf that is a symbolic link) whoever owns it, and its backup (repeatable)")
	fl.BoolVar(&opts.NewCA, "new-ca", false, "replace server.crt, root.crt and root.crl that come from another CA than --ca-dir's (every client of the old CA stops working)")
	cmd.MarkFlagRequired("pgdata")
	cmd.MarkFlagDirname("clients-dir")
	return cmd
}

// initReport is the --json output of init.
type initReport = bootstrap.Result

func initRun(cmd *cobra.Command, opts *initOptions) error {
	f := opts.f
	if err := f.askInit(cmd, opts); err != nil {
		return err
	}
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	roles := append(append([]string{}, opts.Clients...), opts.Replication...)
	if err := checkRoles(roles, "pgcert ca issue client -o DIR", "--client/--replication %s is given twice"); err != nil {
		return err
	}
	if len(opts.Hosts) > 0 {
		sans, err := selfsign.HostSANs(opts.Hosts)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("--host: %w", err)}
		}
		if err := bootstrap.CheckWildcards(sans, opts.Force); err != nil {
			return err
		}
	}

	dataDir, created, err := bootstrap.PrepareDataDir(opts.DataDir)
	if err != nil {
		return err
	}
	if created {
		f.infof("created %s (mode 0700)", dataDir)
	}
	release, err := f.lockDataDir(dataDir)
	if err != nil {
		return err
	}
	defer release()
	dd, err := inspectDataDir(dataDir)
	if err != nil {
		return err
	}
	var cfg *pgdata.Config
	if opts.Configure {
		if cfg, err = bootstrap.CheckConfigurable(dd); err != nil {
			return bootstrap.ConfigHint(err)
		}
		if err := bootstrap.CheckConfigureOutside(dd, cfg, opts.AllowOutside, nil); err != nil {
			return configureOutsideError(cmd, err)
		}
	}
	if !dd.IsDataDir {
		f.infof("%s is not a data directory yet (no %s): the settings below are for PostgreSQL %s; initdb refuses a directory that is not empty, so run initdb elsewhere and copy these files in",
			dd.Dir, strings.Join(dd.Missing, ", "), dd.Version)
	}

	if opts.Step.URL != "" {
		return f.initStep(opts, dd, cfg, gen, roles)
	}
	caDir, err := f.caDirFor(opts.CADir, dd.Dir, opts.NewCA)
	if err != nil {
		return err
	}
	if !opts.NewCA && !fileExists(filepath.Join(caDir, ca.CertFile)) {
		if err := bootstrap.OtherCAHint(bootstrap.OtherCA(dd.Dir, nil, caDir), dd.Dir); err != nil {
			return err
		}
	}
	clientsDir, err := bootstrap.ClientsDirFor(opts.ClientsDir, caDir, dd.Dir, dataDir, len(roles))
	if err != nil {
		return err
	}

	// What will be written, so that a refusal comes before any work.
	targets := bootstrap.Targets(dd.Dir, clientsDir, roles, opts.PK8)
	if err := bootstrap.TargetHint(bootstrap.CheckTargets(targets, true), dd.Dir); err != nil {
		return err
	}
	force, err := f.allowOverwrite(opts.Force, targets...)
	if err != nil {
		return err
	}
	if err := bootstrap.TargetHint(bootstrap.CheckTargets(targets, force), dd.Dir); err != nil {
		return err
	}

	c, createdCA, err := f.initCA(opts, caDir, dd.Dir, gen)
	if err != nil {
		return err
	}
	if !opts.NewCA && !createdCA {
		if err := bootstrap.OtherCAHint(bootstrap.OtherCA(dd.Dir, c, c.Dir), dd.Dir); err != nil {
			return err
		}
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
		hosts = bootstrap.PreviousHosts(filepath.Join(dd.Dir, bootstrap.ServerCrtName), c)
	}
	if len(hosts) == 0 {
		hosts = f.defaultHosts()
	}

	plan, err := bootstrap.NewPlan(bootstrap.Options{
		DataDir: dd, CA: c, CACreated: createdCA, Hosts: hosts,
		Clients: opts.Clients, Replication: opts.Replication, ClientsDir: clientsDir, Key: gen, Days: opts.Days,
		NoRoot: opts.NoRoot, PK8: opts.PK8, Configure: opts.Configure, Config: cfg, AllowOutside: opts.AllowOutside, Force: force,
		Now: f.Now, Rand: f.Rand, GenerateKey: f.generateKey, Reporter: reporter{f},
		CRLs: func(c *ca.CA) ([]byte, []bootstrap.CRL, error) {
			return c.ChainCRLs(ca.CRLOptions{Now: f.Now(), Rand: f.Rand})
		},
	})
	if err != nil {
		return ca.IssueHint(c, err)
	}
	r, err := plan.Apply()
	if err != nil {
		return withHints(err, "the data directory was left as it was")
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}

// configureOutsideError gives a refusal of bootstrap.CheckConfigureOutside the
// command that allows the refused files, for an admin who checked them.
func configureOutsideError(cmd *cobra.Command, err error) error {
	var oe *bootstrap.OutsideError
	if !errors.As(err, &oe) {
		return err
	}
	var extra []string
	for _, p := range oe.Paths {
		// Allowing a file allows its backup: name each file once.
		if base, ok := strings.CutSuffix(p, bootstrap.BackupSuffix); !ok || !slices.Contains(oe.Paths, base) {
			extra = append(extra, "--allow-outside", shellWord(p))
		}
	}
	return &Error{Err: errors.New(strings.TrimPrefix(err.Error(), "bootstrap: ")), Hints: []string{
		"a setting or a link naming a file outside the data directory is the database owner's word, not yours; see docs/security.md",
		"if you checked the file and mean init to edit it: " + retypedCommand(cmd, nil, extra...),
	}}
}

// checkRoles refuses client roles the server could never match to a certificate,
// roles that cannot name a bundle directory (dirFlag gives one) and roles given
// twice (twice formats the message).
func checkRoles(roles []string, dirFlag, twice string) error {
	seen := map[string]bool{}
	for _, role := range roles {
		if err := checkRole(role); err != nil {
			return err
		}
		if err := checkRoleDir(role, dirFlag); err != nil {
			return err
		}
		if seen[role] {
			return usageErrorf(twice, role)
		}
		seen[role] = true
	}
	return nil
}

// reporter passes what pkg/bootstrap reports to stderr.
type reporter struct{ f *Factory }

func (r reporter) Infof(format string, args ...any) { r.f.infof(format, args...) }
func (r reporter) Warnf(format string, args ...any) { r.f.warnf(format, args...) }

// initCA opens the CA in dir, or creates it. A run that loses the race to create
// it (several inits on a new CA directory at once) uses the CA the winner made.
func (f *Factory) initCA(opts *initOptions, dir, dataDir string, gen keys.GenerateOptions) (*ca.CA, bool, error) {
	if _, err := os.Stat(filepath.Join(dir, ca.CertFile)); err != nil {
		c, err := f.createCA(caSpec{Dir: dir, Intermediate: opts.Intermediate, Key: ca.KeyFor(gen), Days: selfsign.DefaultRootCADays,
			Encrypt: opts.Encrypt, PassOut: opts.PassOut, Force: opts.Force, DataDir: dataDir})
		if err == nil {
			f.infof("created a CA in %s", dir)
			return c, true, nil
		}
		if !errors.Is(err, ca.ErrExists) {
			return nil, false, err
		}
	}
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
