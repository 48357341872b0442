package cli

import (
	"crypto"
	"errors"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
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
	Format    keyFormatFlags
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
	addCADirFlag(cmd, &opts.CADir)
	addDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "the database `ROLE` the certificate logs in as (its Common Name)")
	addOutDirFlag(cmd, &opts.OutDir, "write the bundle into `DIR` (default: CA_DIR/clients/ROLE)")
	addPK8Flag(cmd, &opts.PK8)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultClientDays, "validity in days (cut to the CA's)")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	addConnHostFlag(cmd, &opts.Host)
	addCAPassInFlag(cmd, &opts.PassIn)
	addForceFilesFlag(cmd, &opts.Force)
	addExistingKeyFlags(cmd, &opts.Key, &opts.KeyPassIn, "the bundle's postgresql.key is a copy of it")
	fl.StringVar(&opts.DBName, "dbname", ca.DefaultDBName, "the database `NAME` of the printed connection string")
	fl.StringVar(&opts.Owner, "owner", "", "give the files to `USER[:GROUP]` (default: as root, the owner of the output directory)")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the keys with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for the keys: pass:TEXT, env:VAR, file:PATH, fd:N or stdin (implies --encrypt)")
	addKeyFormatFlags(cmd, &opts.Format, "postgresql.key")
	fl.Lookup("der").Usage = "also write postgresql.pk8, the key as DER PKCS#8 (as --pk8; libpq reads postgresql.key only as PEM)"
	fl.BoolVar(&opts.P12, "p12", false, "also write postgresql.p12 (PKCS#12: key, certificate, CAs) for JDBC and .NET; implies --encrypt")
	fl.BoolVar(&opts.P12Legacy, "p12-legacy", false, "write postgresql.p12 with 3DES and a SHA-1 MAC, for Java before 12 and Windows before Server 2019 (implies --p12)")
	cmd.MarkFlagRequired("user")
	return cmd
}

// checkRole refuses a role name that the server could never match to a certificate.
func checkRole(role string) error {
	switch {
	case strings.TrimSpace(role) == "":
		return usageErrorf("give the role the certificate logs in as, e.g. --user alice")
	case len(role) > 64:
		return usageErrorf("role %q: a Common Name holds at most 64 characters", role)
	case strings.ContainsAny(role, "\x00\n\r\t"):
		return usageErrorf("role %q holds control characters", role)
	}
	return nil
}

// checkRoleDir refuses a role that cannot name its bundle directory (CLIENTS_DIR/ROLE):
// a slash or a dot name would put the bundle somewhere else.
func checkRoleDir(role, flag string) error {
	if strings.Contains(role, "/") || role == "." || role == ".." {
		return usageErrorf("role %q cannot name a bundle directory; give the directory with %s", role, flag)
	}
	return nil
}

// pendingWrite is a file to add to an fsutil.Txn.
type pendingWrite struct {
	Path string
	Data []byte
	Opts fsutil.Options
}

// issueClient makes a client key, unless existing is one, and its certificate
// from the CA directory c.
func (f *Factory) issueClient(c *ca.CA, role string, gen keys.GenerateOptions, existing crypto.Signer, days int) (crypto.Signer, *ca.Issued, error) {
	key, err := f.subjectKey(gen, existing)
	if err != nil {
		return nil, nil, err
	}
	r := ca.ClientRequest(role, key.Public())
	r.Days, r.Now, r.Rand = days, f.Now(), f.Rand
	is, err := c.Issue(r)
	if err != nil {
		return nil, nil, ca.IssueHint(c, err)
	}
	return key, is, nil
}

// bundleFiles returns the bundle of an issued client certificate (ca.ClientBundle)
// and its files, for the caller to commit in one fsutil.Txn with finishBundle, so
// that a bundle is written whole or not at all.
func (f *Factory) bundleFiles(c *ca.CA, is *ca.Issued, key crypto.Signer, role, dir string, pk8, force bool, host string) (*ca.BundleReport, []pendingWrite, error) {
	return f.bundleFilesWith(c, is, key, ca.ClientBundleOptions{Role: role, Dir: dir, Host: host, PK8: pk8}, inheritedOwner(dir), force)
}

// bundleFilesWith is bundleFiles with every choice of ca.ClientBundleOptions, the
// files and the directories made given to owner.
func (f *Factory) bundleFilesWith(c *ca.CA, is *ca.Issued, key crypto.Signer, o ca.ClientBundleOptions, owner fileOwner, force bool) (*ca.BundleReport, []pendingWrite, error) {
	if err := ca.NeedRoot(c); err != nil {
		return nil, nil, err
	}
	f.noteClamp(is)
	o.Rand = f.Rand
	cb, err := c.ClientBundleWith(is, key, o)
	if err != nil {
		return nil, nil, err
	}
	if err := mkdirOwned(o.Dir, owner); err != nil {
		return nil, nil, failf([]string{"choose another directory with -o"}, "creating %s: %v", o.Dir, err)
	}
	var files []pendingWrite
	for _, bf := range cb.Files {
		files = append(files, pendingWrite{bf.Path, bf.Data, owner.options(bf.Mode, force)})
	}
	// The report keeps no copy of the key.
	cb.Files = nil
	return &ca.BundleReport{ClientBundle: *cb, Files: []fileReport{}}, files, nil
}

// writeBundle writes the files of one client bundle in one transaction, so that a
// bundle is written whole or not at all, and fills in b's files.
func (f *Factory) writeBundle(b *ca.BundleReport, files []pendingWrite) error {
	var txn fsutil.Txn
	for _, p := range files {
		txn.Add(p.Path, p.Data, p.Opts)
	}
	written, err := txn.Commit()
	if err != nil {
		return err
	}
	f.finishBundle(b, files, written)
	return nil
}

// finishBundle fills in the files of b from what a commit wrote.
func (f *Factory) finishBundle(b *ca.BundleReport, files []pendingWrite, written []*fsutil.Written) {
	for _, w := range written {
		for _, p := range files {
			if p.Path == w.Path {
				f.noteReplacedLink(w)
				b.Files = append(b.Files, fsutil.Report(w))
			}
		}
	}
}

func caIssueClientRun(cmd *cobra.Command, opts *caIssueClientOptions) error {
	f := opts.f
	if err := checkRole(opts.User); err != nil {
		return err
	}
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	existing, err := f.existingKey(cmd, opts.Key, opts.KeyPassIn)
	if err != nil {
		return err
	}
	step, err := f.stepFor(opts.Step, opts.CADir, opts.DataDir)
	if err != nil {
		return err
	}
	var caDir string
	if step != nil {
		caDir, err = step.clientsBase()
	} else {
		caDir, err = f.caDirFor(opts.CADir, opts.DataDir, false)
	}
	if err != nil {
		return err
	}
	out := opts.OutDir
	if out == "" {
		if err := checkRoleDir(opts.User, "-o DIR"); err != nil {
			return err
		}
		out = filepath.Join(caDir, ca.ClientsDir, opts.User)
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	var cde *ca.ClientDirError
	if err := ca.CheckClientDir(out, ""); errors.As(err, &cde) {
		return failf([]string{"client keys belong to the clients: choose a directory outside the data directory with -o"},
			"the client bundle directory %s is inside the data directory %s", out, cde.DataDir)
	}
	bo := ca.ClientBundleOptions{Role: opts.User, Dir: out, Host: opts.Host, DBName: opts.DBName,
		PK8: opts.PK8 || opts.Format.DER, P12: opts.P12 || opts.P12Legacy, P12Legacy: opts.P12Legacy}
	encrypt := opts.Encrypt || opts.PassOut != "" || bo.P12
	if bo.KeyFormat, err = (keyFormatFlags{Traditional: opts.Format.Traditional}).format(encrypt); err != nil {
		return err
	}
	owner := inheritedOwner(out)
	if opts.Owner != "" {
		if owner, err = parseOwner(opts.Owner); err != nil {
			return err
		}
	}
	force, err := f.allowOverwrite(opts.Force, bo.Paths()...)
	if err != nil {
		return err
	}
	for _, p := range bo.Paths() {
		if !force && fileExists(p) {
			return &fsutil.ExistsError{Path: p}
		}
	}
	var c *ca.CA
	if step != nil {
		c, err = step.open()
	} else {
		c, err = f.openSigningCA(caDir, opts.PassIn)
	}
	if err != nil {
		return err
	}
	if err := ca.NeedRoot(c); err != nil {
		return err
	}
	if encrypt {
		if bo.Passphrase, err = f.newPassphrase("--passout", opts.PassOut, filepath.Join(out, ca.ClientKeyFile)); err != nil {
			return err
		}
	}
	var key crypto.Signer
	var is *ca.Issued
	if step != nil {
		key, c, is, err = step.issueClient(opts.User, gen, existing)
	} else {
		key, is, err = f.issueClient(c, opts.User, gen, existing, opts.Days)
	}
	if err != nil {
		return err
	}
	b, files, err := f.bundleFilesWith(c, is, key, bo, owner, force)
	if err != nil {
		return err
	}
	if err := f.writeBundle(b, files); err != nil {
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, b)
	}
	return b.WriteText(f.IO.Out, opts.Host != "")
}
