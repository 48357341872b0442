package bootstrap

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// InitOptions are what Init makes a data directory ready with: what `pgcert
// init` takes from flags, and hooks for what needs the world outside (a person
// to ask, a lock, a CA's passphrase).
type InitOptions struct {
	// DataDir is the data directory as given; it is created (mode 0700) when
	// missing.
	DataDir string
	// Hosts are the names clients connect to; none means the names of the
	// server certificate this CA issued before, else DefaultHosts.
	Hosts []string
	// Clients and Replication are the roles to make bundles for (Options).
	Clients, Replication []string
	// ClientsDir holds the bundles (empty: CA_DIR/clients, and for a step-ca
	// clients beside the default CA directory).
	ClientsDir string
	// Key, Days, NoRoot, PK8, Configure and AllowOutside are as in Options.
	Key          keys.GenerateOptions
	Days         int
	NoRoot       bool
	PK8          bool
	Configure    bool
	AllowOutside []string
	// Force replaces existing files without asking Overwrite, and allows a
	// wildcard host.
	Force bool
	// NewCA allows replacing a data directory's files that come from another CA.
	NewCA bool

	// CADir returns the CA directory for the data directory (the caller's
	// --ca-dir, record and default rules). It and CreateCA are required
	// without Step.
	CADir func(dataDir string) (string, error)
	// CreateCA makes a new CA in dir, which must stay out of dataDir; it
	// returns ca.ErrExists when another run made one first, and Init then uses
	// that one. OpenCA opens an existing CA (nil: ca.Open).
	CreateCA func(dir, dataDir string) (*ca.CA, error)
	OpenCA   func(dir string) (*ca.CA, error)
	// Intermediate asks for a CA with an intermediate: one is created so, and
	// an existing CA without one is refused. NewCAPassphrase says a passphrase
	// for a new CA's keys was asked for, which an existing CA does not use.
	Intermediate    bool
	NewCAPassphrase bool
	// Passphrase returns the passphrase of an encrypted CA key (ca.UnlockAll
	// asks once for keys that share it).
	Passphrase func(keyPath string) ([]byte, error)

	// Step, when set, names a running step-ca as the CA instead of a CA
	// directory.
	Step *InitStep

	// Lock holds the data directory against other pgcert runs until release
	// (nil: no lock).
	Lock func(dir string) (release func(), err error)
	// Inspect examines the data directory (nil: pgdata.Inspect).
	Inspect func(dir string) (*pgdata.DataDir, error)
	// Retyped is the command line that ran, with extra flags appended, for the
	// hint of CheckConfigureOutside's refusal that allows the refused files
	// (OutsideHint; nil: the refusal has no hint).
	Retyped func(extra ...string) string
	// Overwrite asks whether existing outputs (paths) may be replaced when
	// Force is not given (nil: they are not, and Init refuses).
	Overwrite func(paths []string) (bool, error)
	// DefaultHosts are the hosts when none are given and none can be kept
	// (required).
	DefaultHosts func() []string

	// Now, Rand, GenerateKey and Reporter are as in Options.
	Now         func() time.Time
	Rand        io.Reader
	GenerateKey func(keys.GenerateOptions) (crypto.Signer, error)
	Reporter    Reporter
}

// InitStep names the step-ca of Init.
type InitStep struct {
	// Connect names the step-ca and its root; its Record is filled from the
	// data directory's.
	Connect stepca.ConnectOptions
	// Provisioner is the JWK provisioner's name (empty: the record's);
	// Password returns its password.
	Provisioner string
	Password    func(name string) ([]byte, error)
	// RootKeyFile is the root's key file, which LoadKey reads, to make the
	// root's CRL; empty when the root is offline.
	RootKeyFile string
	LoadKey     func(path string) (crypto.Signer, error)
	// DefaultCADir is the default CA directory: client bundles go beside it
	// by default, where a CA directory's clients would be.
	DefaultCADir func() (string, error)
	// Context bounds the requests (nil: context.Background).
	Context context.Context
}

// initRun is one Init: the options and what it found so far.
type initRun struct {
	o       InitOptions
	rep     Reporter
	given   string
	dd      *pgdata.DataDir
	cfg     *pgdata.Config
	roles   []string
	clients string
	force   bool
}

// Init makes the data directory o.DataDir ready for verify-full and
// certificate logins, as `pgcert init` does: it checks what it was given,
// creates and locks the data directory, opens or creates the CA (or connects
// to the step-ca), refuses to replace files of another CA or files the caller
// does not allow, issues the certificates and writes every file all or
// nothing. Refusals come before anything is written, in a fixed order, so that
// a person fixing one mistake meets the next one rather than a half-made
// directory.
func Init(o InitOptions) (*Result, error) {
	r := &initRun{o: o, rep: o.Reporter, roles: append(append([]string{}, o.Clients...), o.Replication...)}
	if r.rep == nil {
		r.rep = silent{}
	}
	if err := CheckRoles(r.roles, "pgcert ca issue client -o DIR", "--client/--replication %s is given twice"); err != nil {
		return nil, err
	}
	if len(o.Hosts) > 0 {
		sans, err := selfsign.HostSANs(o.Hosts)
		if err != nil {
			return nil, &hint.UsageError{Err: fmt.Errorf("--host: %w", err)}
		}
		if err := CheckWildcards(sans, o.Force); err != nil {
			return nil, err
		}
	}
	dataDir, created, err := PrepareDataDir(o.DataDir)
	if err != nil {
		return nil, err
	}
	r.given = dataDir
	if created {
		r.rep.Infof("created %s (mode 0700)", dataDir)
	}
	if o.Lock != nil {
		release, err := o.Lock(dataDir)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	inspect := o.Inspect
	if inspect == nil {
		inspect = pgdata.Inspect
	}
	if r.dd, err = inspect(dataDir); err != nil {
		return nil, err
	}
	if err := r.checkConfigure(); err != nil {
		return nil, err
	}
	if !r.dd.IsDataDir {
		r.rep.Infof("%s is not a data directory yet (no %s): the settings below are for PostgreSQL %s; initdb refuses a directory that is not empty, so run initdb elsewhere and copy these files in",
			r.dd.Dir, strings.Join(r.dd.Missing, ", "), r.dd.Version)
	}
	if o.Step != nil {
		return r.step()
	}
	return r.caDir()
}

// checkConfigure reads the configuration --configure edits, refusing what it
// cannot edit.
func (r *initRun) checkConfigure() error {
	if !r.o.Configure {
		return nil
	}
	cfg, err := CheckConfigurable(r.dd)
	if err != nil {
		return ConfigHint(err)
	}
	if err := CheckConfigureOutside(r.dd, cfg, r.o.AllowOutside, nil); err != nil {
		if r.o.Retyped != nil {
			return OutsideHint(err, r.o.Retyped)
		}
		return err
	}
	r.cfg = cfg
	return nil
}

// checkTargets refuses outputs that are directories, and existing ones unless
// Force or Overwrite allows them, before any work.
func (r *initRun) checkTargets() error {
	targets := Targets(r.dd.Dir, r.clients, r.roles, r.o.PK8)
	if err := TargetHint(CheckTargets(targets, true), r.dd.Dir); err != nil {
		return err
	}
	r.force = r.o.Force
	if !r.force && r.o.Overwrite != nil {
		var err error
		if r.force, err = r.o.Overwrite(targets); err != nil {
			return err
		}
	}
	return TargetHint(CheckTargets(targets, r.force), r.dd.Dir)
}

// caDir is Init with a CA directory, from the choice of the CA on.
func (r *initRun) caDir() (*Result, error) {
	o, dd := r.o, r.dd
	caDir, err := o.CADir(dd.Dir)
	if err != nil {
		return nil, err
	}
	if !o.NewCA {
		if _, err := os.Lstat(filepath.Join(caDir, ca.CertFile)); err != nil {
			if err := OtherCAHint(OtherCA(dd.Dir, nil, caDir), dd.Dir); err != nil {
				return nil, err
			}
		}
	}
	if r.clients, err = ClientsDirFor(o.ClientsDir, caDir, dd.Dir, r.given, len(r.roles)); err != nil {
		return nil, err
	}
	if err := r.checkTargets(); err != nil {
		return nil, err
	}
	c, created, err := r.openCA(caDir)
	if err != nil {
		return nil, err
	}
	if !o.NewCA && !created {
		if err := OtherCAHint(OtherCA(dd.Dir, c, c.Dir), dd.Dir); err != nil {
			return nil, err
		}
	}
	if err := ca.UnlockAll(o.Passphrase, c.CAs()...); err != nil {
		return nil, err
	}
	if c.Root() == nil {
		return nil, hint.Errorf([]string{fmt.Sprintf("put the root CA certificate into %s", filepath.Join(c.Dir, ca.RootDir, ca.CertFile))},
			"%s: the CA's root certificate is missing; the server and clients need it as root.crt", c.Dir)
	}
	hosts := o.Hosts
	if len(hosts) == 0 {
		hosts = PreviousHosts(filepath.Join(dd.Dir, ServerCrtName), c)
	}
	if len(hosts) == 0 {
		hosts = o.DefaultHosts()
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	plan, err := NewPlan(r.planOptions(Options{CA: c, CACreated: created, Hosts: hosts,
		CRLs: func(c *ca.CA) ([]byte, []CRL, error) {
			return c.ChainCRLs(ca.CRLOptions{Now: now(), Rand: o.Rand})
		},
	}))
	if err != nil {
		return nil, ca.IssueHint(c, err)
	}
	return apply(plan)
}

// openCA opens the CA in dir, or creates it. A run that loses the race to
// create it (several inits on a new CA directory at once) uses the CA the
// winner made.
func (r *initRun) openCA(dir string) (*ca.CA, bool, error) {
	o := r.o
	if _, err := os.Stat(filepath.Join(dir, ca.CertFile)); err != nil {
		c, err := o.CreateCA(dir, r.dd.Dir)
		if err == nil {
			r.rep.Infof("created a CA in %s", dir)
			return c, true, nil
		}
		if !errors.Is(err, ca.ErrExists) {
			return nil, false, err
		}
	}
	open := o.OpenCA
	if open == nil {
		open = ca.Open
	}
	c, err := open(dir)
	if err != nil {
		return nil, false, err
	}
	if o.Intermediate && c.Parent == nil {
		return nil, false, hint.Errorf([]string{"drop --intermediate to use this CA, or give a new --ca-dir for a CA with an intermediate"},
			"the CA in %s has no intermediate CA", dir)
	}
	if o.NewCAPassphrase {
		r.rep.Warnf("the CA in %s exists: --encrypt and --passout apply only when a CA is created", dir)
	}
	r.rep.Infof("using the CA in %s", dir)
	return c, false, nil
}

// step is Init with a step-ca as the CA, from the choice of the CA on.
func (r *initRun) step() (*Result, error) {
	o, s, dd := r.o, r.o.Step, r.dd
	ctx := s.Context
	if ctx == nil {
		ctx = context.Background()
	}
	rec, err := ca.ReadStepRecord(dd.Dir)
	var nb *ca.NotBoundError
	switch {
	case errors.Is(err, ca.ErrNotStep) && !o.NewCA:
		return nil, ca.NotStepError(dd.Dir, s.Connect.URL, "")
	case err != nil && !errors.As(err, &nb) && !errors.Is(err, ca.ErrNotStep):
		return nil, err
	}
	r.clients = o.ClientsDir
	if r.clients == "" {
		def, err := s.DefaultCADir()
		if err != nil {
			return nil, err
		}
		r.clients = filepath.Join(filepath.Dir(def), ca.ClientsDir)
	}
	if r.clients, err = filepath.Abs(r.clients); err != nil {
		return nil, err
	}
	if len(r.roles) > 0 && ca.Within(r.clients, dd.Dir) {
		return nil, hint.Errorf([]string{"client keys belong to the clients: choose a directory outside the data directory with --clients-dir"},
			"the client bundle directory %s is inside the data directory %s", r.clients, dd.Dir)
	}
	if err := r.checkTargets(); err != nil {
		return nil, err
	}
	co := s.Connect
	co.Record = rec
	c, err := stepca.Connect(ctx, co)
	if err != nil {
		return nil, err
	}
	if !o.NewCA {
		if err := OtherCAHint(OtherStepCA(dd.Dir, c.Root, c.URL), dd.Dir); err != nil {
			return nil, err
		}
	}
	p, err := c.OpenProvisioner(ctx, s.Provisioner, rec, s.Password)
	if err != nil {
		return nil, err
	}
	step := &StepCA{Client: c, Provisioner: p, Context: ctx}
	if s.RootKeyFile != "" {
		if step.RootKey, err = s.LoadKey(s.RootKeyFile); err != nil {
			return nil, err
		}
		if err := c.CheckRootKey(step.RootKey, s.RootKeyFile); err != nil {
			return nil, err
		}
	}
	hosts := o.Hosts
	if len(hosts) == 0 {
		hosts = o.DefaultHosts()
	}
	plan, err := NewPlan(r.planOptions(Options{Step: step, Hosts: hosts}))
	if err != nil {
		return nil, stepca.Hinted(err)
	}
	return apply(plan)
}

// planOptions is p with what every plan of this run shares.
func (r *initRun) planOptions(p Options) Options {
	o := r.o
	p.DataDir, p.Clients, p.Replication, p.ClientsDir = r.dd, o.Clients, o.Replication, r.clients
	p.Key, p.Days, p.NoRoot, p.PK8 = o.Key, o.Days, o.NoRoot, o.PK8
	p.Configure, p.Config, p.AllowOutside, p.Force = o.Configure, r.cfg, o.AllowOutside, r.force
	p.Now, p.Rand, p.GenerateKey, p.Reporter = o.Now, o.Rand, o.GenerateKey, r.rep
	return p
}

// apply writes plan, saying on failure that nothing was changed.
func apply(plan *Plan) (*Result, error) {
	res, err := plan.Apply()
	if err != nil {
		return nil, hint.With(err, "the data directory was left as it was")
	}
	return res, nil
}

// CheckRoles refuses client roles the server could never match to a
// certificate, roles that cannot name a bundle directory (dirFlag names the
// flag that gives one) and roles given twice (twice formats the message, with
// the role).
func CheckRoles(roles []string, dirFlag, twice string) error {
	seen := map[string]bool{}
	for _, role := range roles {
		if err := ca.CheckRole(role); err != nil {
			return err
		}
		if err := ca.CheckRoleDir(role, dirFlag); err != nil {
			return err
		}
		if seen[role] {
			return hint.Usagef(twice, role)
		}
		seen[role] = true
	}
	return nil
}
