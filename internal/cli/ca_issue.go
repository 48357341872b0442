package cli

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// newCaIssueCmd is `pgcert ca issue`, the parent of server and client.
func newCaIssueCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "issue",
		Short: "make a key and a certificate signed by the local CA",
		Long: `Make a new key and a certificate for it, signed by the local CA and recorded in its
index: a server certificate for the names clients connect to, or a client
certificate whose Common Name is the role it logs in as.

Exit codes: see the subcommands.`,
		Example: `  pgcert ca issue server --host db.example.com
  pgcert ca issue client --user alice`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCaIssueServerCmd(f, nil), newCaIssueClientCmd(f, nil), newCaIssueIntermediateCmd(f, nil))
	return cmd
}

type caIssueServerOptions struct {
	f      *Factory
	CADir  string
	Hosts  []string
	Prefix string
	Days   int
	Type   string
	Curve  string
	Bits   int
	PassIn string
	NoRoot bool
	Force  bool

	// DataDir is -D: the data directory whose recorded CA signs.
	DataDir string
	// Step names a step-ca that signs instead (else the one -D records).
	Step stepFlags
}

func newCaIssueServerCmd(f *Factory, runF func(*caIssueServerOptions) error) *cobra.Command {
	opts := &caIssueServerOptions{f: f}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "issue a server key and certificate for the given host names",
		Long: `Make a server key (PREFIX.key, mode 0600) and a certificate signed by the local CA
(PREFIX.crt): Common Name the first --host, every --host as a DNS or IP subject
alternative name (libpq's verify-full matches the host it connects to against
them), extended key usage serverAuth.

PREFIX.crt holds the leaf first, then the intermediate CA when there is one, then the
root: the manual asks for the root "in every case where server.crt contains more
than one certificate" (--no-root leaves it out). Written into a data directory as
root, the files take the directory's owner, as the server requires of its key.

Exit codes: 0 written, 1 failure (nothing written), 2 bad usage.`,
		Example: `  # instead of: openssl req -new -nodes -text -out server.csr -keyout server.key -subj "/CN=dbhost.yourdomain.com"
  #             openssl x509 -req -in server.csr -text -days 365 -CA root.crt -CAkey root.key -CAcreateserial -out server.crt
  pgcert ca issue server --host dbhost.yourdomain.com

  # straight into a data directory
  sudo pgcert ca issue server --host db.example.com --host 10.0.0.5 -o /var/lib/postgresql/15/main/server`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caIssueServerRun(cmd, opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a host `NAME` or IP address clients connect to (repeatable; default: this host's name and localhost)")
	fl.StringVarP(&opts.Prefix, "out", "o", "server", "write `PREFIX`.crt and PREFIX.key")
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "validity in days (cut to the CA's)")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the CA key: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root CA out of PREFIX.crt")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace existing files")
	return cmd
}

// serverIssue is a server certificate made for a data directory or a prefix.
type serverIssue struct {
	Key    crypto.Signer
	KeyPEM []byte
	Issued *ca.Issued
	Chain  []byte // server.crt
}

// issueServer makes a server key and certificate signed by c.
func (f *Factory) issueServer(c *ca.CA, hosts []string, gen keys.GenerateOptions, days int, noRoot bool) (*serverIssue, error) {
	key, r, err := f.serverRequest(hosts, gen, days)
	if err != nil {
		return nil, err
	}
	is, err := c.Issue(r)
	if err != nil {
		return nil, caIssueError(c, err)
	}
	return f.finishServer(c, key, is, noRoot)
}

// serverRequest makes a server key and the request for its certificate.
func (f *Factory) serverRequest(hosts []string, gen keys.GenerateOptions, days int) (crypto.Signer, ca.Request, error) {
	if _, err := selfsign.HostSANs(hosts); err != nil {
		return nil, ca.Request{}, &UsageError{Err: fmt.Errorf("--host: %w", err)}
	}
	key, err := f.generateKey(gen)
	if err != nil {
		return nil, ca.Request{}, err
	}
	r, err := ca.ServerRequest(hosts, key.Public())
	r.Days, r.Now, r.Rand = days, f.Now(), f.Rand
	return key, r, err
}

// finishServer encodes an issued server certificate's files.
func (f *Factory) finishServer(c *ca.CA, key crypto.Signer, is *ca.Issued, noRoot bool) (*serverIssue, error) {
	f.noteClamp(is)
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		return nil, err
	}
	return &serverIssue{Key: key, KeyPEM: keyPEM, Issued: is, Chain: serverChain(c, is.Cert, noRoot)}, nil
}

// serverChain is server.crt: see ca.CA.ServerChain.
func serverChain(c *ca.CA, leaf *x509.Certificate, noRoot bool) []byte {
	return c.ServerChain(leaf, noRoot)
}

func cnRDN(cn string) pkix.RDNSequence {
	return pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn}}}
}

// issuedReport describes an issued certificate in --json output.
type issuedReport struct {
	ca.IssuedReport
	Files []fileReport `json:"files"`
}

func reportIssued(c *ca.CA, is *ca.Issued, written []*fsutil.Written) issuedReport {
	r := issuedReport{IssuedReport: c.IssuedReport(is), Files: []fileReport{}}
	for _, w := range written {
		r.Files = append(r.Files, fsutil.Report(w))
	}
	return r
}

// openSigningCA opens and unlocks the CA for a command that signs.
func (f *Factory) openSigningCA(dirFlag, passIn string) (*ca.CA, error) {
	c, err := f.openCADir(dirFlag)
	if err != nil {
		return nil, err
	}
	if err := f.unlockCAs(passIn, c); err != nil {
		return nil, err
	}
	return c, nil
}

func caIssueServerRun(cmd *cobra.Command, opts *caIssueServerOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = f.defaultHosts()
	}
	if _, err := selfsign.HostSANs(hosts); err != nil {
		return &UsageError{Err: fmt.Errorf("--host: %w", err)}
	}
	certPath, keyPath := opts.Prefix+".crt", opts.Prefix+".key"
	force, err := f.allowOverwrite(opts.Force, certPath, keyPath)
	if err != nil {
		return err
	}
	for _, p := range []string{certPath, keyPath} {
		if !force && fileExists(p) {
			return &fsutil.ExistsError{Path: p}
		}
	}
	step, err := f.stepFor(opts.Step, opts.CADir, opts.DataDir)
	if err != nil {
		return err
	}
	var c *ca.CA
	var si *serverIssue
	if step != nil {
		c, si, err = step.issueServer(hosts, gen, opts.NoRoot)
	} else {
		c, si, err = f.openAndIssueServer(opts, hosts, gen)
	}
	if err != nil {
		return err
	}
	dir := filepath.Dir(certPath)
	var txn fsutil.Txn
	txn.Add(keyPath, si.KeyPEM, dataDirOwner(dir, fsutil.KeyMode, force))
	txn.Add(certPath, si.Chain, dataDirOwner(dir, fsutil.PublicMode, force))
	written, err := txn.Commit()
	if err != nil {
		return err
	}
	for _, w := range written {
		f.noteReplacedLink(w)
	}
	r := reportIssued(c, si.Issued, written)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	fmt.Fprintf(f.IO.Out, "issued server certificate %s for %s, until %s\n", r.Serial, r.SANs, r.NotAfter[:10])
	for _, w := range written {
		fmt.Fprintf(f.IO.Out, "  wrote %s (mode %04o)\n", w.Path, w.Mode)
	}
	if step != nil {
		fmt.Fprintf(f.IO.Out, "clients verify it with sslmode=verify-full and the step-ca's root as sslrootcert\n")
		return nil
	}
	root := c.CAs()[len(c.CAs())-1]
	fmt.Fprintf(f.IO.Out, "clients verify it with sslmode=verify-full sslrootcert=%s\n", ca.ConnValue(root.CertPath()))
	return nil
}

// openAndIssueServer issues a server certificate from the CA directory of
// --ca-dir, else of -D's record.
func (f *Factory) openAndIssueServer(opts *caIssueServerOptions, hosts []string, gen keys.GenerateOptions) (*ca.CA, *serverIssue, error) {
	caDir, err := f.caDirFor(opts.CADir, opts.DataDir, false)
	if err != nil {
		return nil, nil, err
	}
	c, err := f.openSigningCA(caDir, opts.PassIn)
	if err != nil {
		return nil, nil, err
	}
	si, err := f.issueServer(c, hosts, gen, opts.Days, opts.NoRoot)
	return c, si, err
}
