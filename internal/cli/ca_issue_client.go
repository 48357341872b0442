package cli

import (
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

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

	// DataDir is -D: the data directory whose recorded CA signs.
	DataDir string
}

// The names of pkg/ca's client bundle layout, as the other commands call them.
const (
	clientsSubdir  = ca.ClientsDir
	clientCertName = ca.ClientCertFile
	clientKeyName  = ca.ClientKeyFile
)

func newCaIssueClientCmd(f *Factory, runF func(*caIssueClientOptions) error) *cobra.Command {
	opts := &caIssueClientOptions{f: f}
	cmd := &cobra.Command{
		Use:   "client",
		Short: "issue a client key and certificate for a database role",
		Long: `Make a client key and a certificate signed by the local CA whose Common Name is the
role: the server's cert method (and clientcert=verify-full) logs the connection in
as the certificate's CN. Extended key usage clientAuth: the server refuses a client
certificate without it.

The bundle is written in libpq's layout into the output directory (default
CA_DIR/clients/ROLE): postgresql.crt (the leaf, then the intermediate CA, which the
server needs to build the chain), postgresql.key (mode 0600: libpq refuses a key
others may read), root.crt (the root CA, which signed the server certificate too:
what verify-full checks the server against), and with --pk8 postgresql.pk8, the key as
DER PKCS#8 for the JDBC driver. Copied into ~/.postgresql these are libpq's
defaults. The matching connection string is printed.

Exit codes: 0 written, 1 failure (nothing written), 2 bad usage.`,
		Example: `  # instead of: openssl req -new -nodes -keyout postgresql.key -out client.csr -subj "/CN=alice"
  #             openssl x509 -req -in client.csr -CA root.crt -CAkey root.key -CAcreateserial -days 825 -out postgresql.crt
  pgcert ca issue client --user alice

  # into ~/.postgresql, with a key for JDBC
  pgcert ca issue client --user alice -o ~/.postgresql --pk8 --host db.example.com`,
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
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "the database `ROLE` the certificate logs in as (its Common Name)")
	fl.StringVarP(&opts.OutDir, "out", "o", "", "write the bundle into `DIR` (default: CA_DIR/clients/ROLE)")
	fl.BoolVar(&opts.PK8, "pk8", false, "also write postgresql.pk8, the key as DER PKCS#8 for the JDBC driver")
	fl.IntVar(&opts.Days, "days", selfsign.DefaultClientDays, "validity in days (cut to the CA's)")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.StringVar(&opts.Host, "host", "", "the server's host `NAME`, for the printed connection string")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the CA key: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace existing files")
	cmd.MarkFlagRequired("user")
	cmd.MarkFlagDirname("out")
	return cmd
}

// clientBundle is a client bundle in --json output, with the files as written.
type clientBundle struct {
	ca.ClientBundle
	Files []fileReport `json:"files"`
}

// clientPaths are the files of a bundle in dir.
func clientPaths(dir string, pk8 bool) []string { return ca.ClientPaths(dir, pk8) }

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

// needRoot refuses a CA directory without its root, which clients need as root.crt.
func needRoot(c *ca.CA) error {
	if c.Root() == nil {
		return failf([]string{fmt.Sprintf("put the root CA certificate into %s", filepath.Join(c.Dir, ca.RootDir, ca.CertFile))},
			"%s: the CA's root certificate is missing, and a client needs it as root.crt", c.Dir)
	}
	return nil
}

// clientRequest makes a client key and the request for its certificate.
func (f *Factory) clientRequest(role string, gen keys.GenerateOptions, days int) (crypto.Signer, ca.Request, error) {
	key, err := f.generateKey(gen)
	if err != nil {
		return nil, ca.Request{}, err
	}
	r := ca.ClientRequest(role, key.Public())
	r.Days, r.Now, r.Rand = days, f.Now(), f.Rand
	return key, r, nil
}

// bundleFiles returns the bundle of an issued client certificate (ca.ClientBundle)
// and its files, for the caller to commit in one fsutil.Txn with finishBundle, so
// that a bundle is written whole or not at all.
func (f *Factory) bundleFiles(c *ca.CA, is *ca.Issued, key crypto.Signer, role, dir string, pk8, force bool, host string) (*clientBundle, []pendingWrite, error) {
	if err := needRoot(c); err != nil {
		return nil, nil, err
	}
	f.noteClamp(is)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, failf([]string{"choose another directory with -o"}, "creating %s: %v", dir, err)
	}
	cb, err := c.ClientBundle(is, key, role, dir, host, pk8)
	if err != nil {
		return nil, nil, err
	}
	var files []pendingWrite
	for _, bf := range cb.Files {
		files = append(files, pendingWrite{bf.Path, bf.Data, fsutil.Options{Mode: bf.Mode, Force: force}})
	}
	// The report keeps no copy of the key.
	cb.Files = nil
	return &clientBundle{ClientBundle: *cb, Files: []fileReport{}}, files, nil
}

// writeBundle writes the files of one client bundle in one transaction, so that a
// bundle is written whole or not at all, and fills in b's files.
func (f *Factory) writeBundle(b *clientBundle, files []pendingWrite) error {
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
func (f *Factory) finishBundle(b *clientBundle, files []pendingWrite, written []*fsutil.Written) {
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
	if opts.Days <= 0 {
		return usageErrorf("--days %d: give a positive number of days", opts.Days)
	}
	caDir, err := f.caDirFor(opts.CADir, opts.DataDir, false)
	if err != nil {
		return err
	}
	out := opts.OutDir
	if out == "" {
		if err := checkRoleDir(opts.User, "-o DIR"); err != nil {
			return err
		}
		out = filepath.Join(caDir, clientsSubdir, opts.User)
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	var cde *ca.ClientDirError
	if err := ca.CheckClientDir(out, ""); errors.As(err, &cde) {
		return failf([]string{"client keys belong to the clients: choose a directory outside the data directory with -o"},
			"the client bundle directory %s is inside the data directory %s", out, cde.DataDir)
	}
	force, err := f.allowOverwrite(opts.Force, clientPaths(out, opts.PK8)...)
	if err != nil {
		return err
	}
	for _, p := range clientPaths(out, opts.PK8) {
		if !force && fileExists(p) {
			return &fsutil.ExistsError{Path: p}
		}
	}
	c, err := f.openSigningCA(caDir, opts.PassIn)
	if err != nil {
		return err
	}
	if err := needRoot(c); err != nil {
		return err
	}
	key, r, err := f.clientRequest(opts.User, gen, opts.Days)
	if err != nil {
		return err
	}
	is, err := c.Issue(r)
	if err != nil {
		return caIssueError(c, err)
	}
	b, files, err := f.bundleFiles(c, is, key, opts.User, out, opts.PK8, force, opts.Host)
	if err != nil {
		return err
	}
	if err := f.writeBundle(b, files); err != nil {
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, b)
	}
	fmt.Fprintf(f.IO.Out, "issued client certificate %s for role %q, until %s\n", b.Serial, b.Role, b.NotAfter[:10])
	for _, fr := range b.Files {
		fmt.Fprintf(f.IO.Out, "  wrote %s (mode %s)\n", fr.Path, fr.Mode)
	}
	fmt.Fprintf(f.IO.Out, "connect with:\n  psql \"%s\"\n", b.ConnString)
	if opts.Host == "" {
		fmt.Fprintln(f.IO.Out, "(add host=NAME, a name in the server certificate)")
	}
	return nil
}
