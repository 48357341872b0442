package cli

import (
	"crypto"
	"io"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

type caIssueClientOptions struct {
	f      *Factory
	CADir  string
	User   string
	OutDir string
	PK8    bool
	Days   int
	Type   string
	Curve  string
	Bits   int
	Host   string
	PassIn string
	Force  bool
	// Key and KeyPassIn are --key and --key-passin: an existing key to certify.
	Key, KeyPassIn string

	DBName    string
	Owner     string
	Encrypt   bool
	PassOut   string
	Format    cmdutil.KeyFormatFlags
	P12       bool
	P12Legacy bool
	// DataDir is -D: the data directory whose recorded CA signs.
	DataDir string
	// Step names a step-ca that signs instead (else the one -D records).
	Step stepFlags
}

func newCaIssueClientCmd(f *Factory, runF func(*caIssueClientOptions) error) *cobra.Command {
	opts := &caIssueClientOptions{f: f}
	cmd := &cobra.Command{
		Use:   "client",
		Short: "issue a client key and certificate for a database role",
		Long:  help.Long("ca issue client"), Example: help.Example("ca issue client"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caIssueClientRun(cmd, opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	cmdutil.AddDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "the database `ROLE` the certificate logs in as (its Common Name)")
	cmdutil.AddOutDirFlag(cmd, &opts.OutDir, "write the bundle into `DIR` (default: CA_DIR/clients/ROLE)")
	cmdutil.AddPK8Flag(cmd, &opts.PK8)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultClientDays, "validity in days (cut to the CA's)")
	cmdutil.AddKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	cmdutil.AddConnHostFlag(cmd, &opts.Host)
	cmdutil.AddCAPassInFlag(cmd, &opts.PassIn)
	cmdutil.AddForceFilesFlag(cmd, &opts.Force)
	cmdutil.AddExistingKeyFlags(cmd, &opts.Key, &opts.KeyPassIn, "the bundle's postgresql.key is a copy of it")
	fl.StringVar(&opts.DBName, "dbname", ca.DefaultDBName, "the database `NAME` of the printed connection string")
	fl.StringVar(&opts.Owner, "owner", "", "give the files to `USER[:GROUP]` (default: as root, the owner of the output directory)")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the keys with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for the keys: pass:TEXT, env:VAR, file:PATH, fd:N or stdin (implies --encrypt)")
	cmdutil.AddKeyFormatFlags(cmd, &opts.Format, "postgresql.key")
	fl.Lookup("der").Usage = "also write postgresql.pk8, the key as DER PKCS#8 (as --pk8; libpq reads postgresql.key only as PEM)"
	fl.BoolVar(&opts.P12, "p12", false, "also write postgresql.p12 (PKCS#12: key, certificate, CAs) for JDBC and .NET; implies --encrypt")
	fl.BoolVar(&opts.P12Legacy, "p12-legacy", false, "write postgresql.p12 with 3DES and a SHA-1 MAC, for Java before 12 and Windows before Server 2019 (implies --p12)")
	cmd.MarkFlagRequired("user")
	return cmd
}

// bundleWrite is how a renewal writes a bundle: replacing its files.
func (f *Factory) bundleWrite() ca.BundleWrite {
	return ca.BundleWrite{Force: true, Mkdir: cmdutil.MkdirOwned, Reporter: reporter{f}}
}

func caIssueClientRun(cmd *cobra.Command, opts *caIssueClientOptions) error {
	f := opts.f
	if err := ca.CheckRole(opts.User); err != nil {
		return err
	}
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	b, err := ca.IssueClient(ca.IssueClientOptions{Role: opts.User, Dir: opts.OutDir, Days: opts.Days,
		Bundle: ca.ClientBundleOptions{Host: opts.Host, DBName: opts.DBName,
			PK8: opts.PK8 || opts.Format.DER, P12: opts.P12 || opts.P12Legacy, P12Legacy: opts.P12Legacy},
		Encrypt:   opts.Encrypt || opts.PassOut != "",
		Existing:  func() (crypto.Signer, error) { return f.ExistingKey(cmd, opts.Key, opts.KeyPassIn) },
		Signer:    func() (ca.Signer, error) { return f.signerFor(opts.Step, opts.CADir, opts.DataDir, opts.PassIn) },
		KeyFormat: cmdutil.KeyFormatFlags{Traditional: opts.Format.Traditional}.Format,
		Owner: func(dir string) (ca.FileOwner, error) {
			if opts.Owner != "" {
				return cmdutil.ParseOwner(opts.Owner)
			}
			return cmdutil.InheritedOwner(dir), nil
		},
		Overwrite:   func(paths []string) (bool, error) { return f.AllowOverwrite(opts.Force, paths...) },
		Passphrase:  func(keyPath string) ([]byte, error) { return f.NewPassphrase("--passout", opts.PassOut, keyPath) },
		GenerateKey: func() (crypto.Signer, error) { return f.GenerateKey(gen) },
		Mkdir:       cmdutil.MkdirOwned, Reporter: reporter{f}, Now: f.Now, Rand: f.Rand})
	if err != nil {
		return err
	}
	return f.jsonOrText(b, func(w io.Writer) error { return b.WriteText(w, opts.Host != "") })
}
