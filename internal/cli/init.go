package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
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
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, true)
	fl := cmd.Flags()
	cmdutil.AddPgdataFlag(cmd, &opts.DataDir, "the data `DIR`ectory (created with mode 0700 when missing)")
	cmdutil.AddServerHostsFlag(cmd, &opts.Hosts)
	fl.StringArrayVar(&opts.Clients, "client", nil, "issue a client certificate for database `ROLE` (repeatable)")
	fl.StringArrayVar(&opts.Replication, "replication", nil, "issue a client certificate for replication `ROLE` (pg_basebackup, standbys), with its pg_hba.conf line (repeatable)")
	fl.StringVar(&opts.ClientsDir, "clients-dir", "", "write client bundles into `DIR`/ROLE (default: CA_DIR/clients)")
	fl.BoolVar(&opts.Intermediate, "intermediate", false, "when creating the CA, add an intermediate CA that signs")
	cmdutil.AddKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
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
	if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	o := bootstrap.InitOptions{
		DataDir: opts.DataDir, Hosts: opts.Hosts, Clients: opts.Clients, Replication: opts.Replication, ClientsDir: opts.ClientsDir,
		Key: gen, Days: opts.Days, NoRoot: opts.NoRoot, PK8: opts.PK8, Configure: opts.Configure, AllowOutside: opts.AllowOutside,
		Force: opts.Force, NewCA: opts.NewCA,
		CADir: func(dataDir string) (string, error) { return f.CADirFor(opts.CADir, dataDir, opts.NewCA) },
		CreateCA: func(dir, dataDir string) (*ca.CA, error) {
			return f.createCA(caSpec{Dir: dir, Intermediate: opts.Intermediate, Key: ca.KeyFor(gen), Days: selfsign.DefaultRootCADays,
				Encrypt: opts.Encrypt, PassOut: opts.PassOut, Force: opts.Force, DataDir: dataDir})
		},
		OpenCA: f.OpenCA, Intermediate: opts.Intermediate, NewCAPassphrase: opts.Encrypt || opts.PassOut != "",
		Passphrase: func(keyPath string) ([]byte, error) { return f.ExistingPassphrase("--passin", opts.PassIn, keyPath)() },
		Lock:       f.LockDataDir, Inspect: inspectDataDir,
		Retyped:      func(extra ...string) string { return cmdutil.RetypedCommand(cmd, nil, extra...) },
		Overwrite:    func(paths []string) (bool, error) { return f.AllowOverwrite(false, paths...) },
		DefaultHosts: f.defaultHosts, Now: f.Now, Rand: f.Rand, GenerateKey: f.GenerateKey, Reporter: reporter{f},
	}
	if s := opts.Step; s.URL != "" {
		o.Step = &bootstrap.InitStep{Connect: s.connect(f), Provisioner: s.Provisioner, Password: s.password(f),
			RootKeyFile: s.RootKey, LoadKey: s.loadRootKey(f), DefaultCADir: func() (string, error) { return f.ResolveCADir("") }}
	}
	r, err := bootstrap.Init(o)
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}

// reporter passes what pkg/bootstrap reports to stderr.
type reporter struct{ f *Factory }

func (r reporter) Infof(format string, args ...any) { r.f.Infof(format, args...) }
func (r reporter) Warnf(format string, args ...any) { r.f.Warnf(format, args...) }
