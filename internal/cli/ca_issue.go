package cli

import (
	"crypto"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
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
		Long:  help.Long("ca issue"), Example: help.Example("ca issue"),
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
	// Key and KeyPassIn are --key and --key-passin: an existing key to certify.
	Key, KeyPassIn string

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
		Long:  help.Long("ca issue server"), Example: help.Example("ca issue server"),
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
	addServerHostsFlag(cmd, &opts.Hosts)
	fl.StringVarP(&opts.Prefix, "out", "o", "server", "write `PREFIX`.crt and PREFIX.key")
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "validity in days (cut to the CA's)")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	addCAPassInFlag(cmd, &opts.PassIn)
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root CA out of PREFIX.crt")
	addForceFilesFlag(cmd, &opts.Force)
	addExistingKeyFlags(cmd, &opts.Key, &opts.KeyPassIn, "PREFIX.key is not written")
	return cmd
}

// serverIssue is a server certificate made for a data directory or a prefix.
type serverIssue struct {
	Key    crypto.Signer
	KeyPEM []byte
	Issued *ca.Issued
	Chain  []byte // server.crt
}

// issueServer makes a server key, unless existing is one, and its certificate
// signed by c.
func (f *Factory) issueServer(c *ca.CA, hosts []string, gen keys.GenerateOptions, existing crypto.Signer, days int, noRoot bool) (*serverIssue, error) {
	if _, err := selfsign.HostSANs(hosts); err != nil {
		return nil, &UsageError{Err: fmt.Errorf("--host: %w", err)}
	}
	key, err := f.subjectKey(gen, existing)
	if err != nil {
		return nil, err
	}
	r, err := ca.ServerRequest(hosts, key.Public())
	if err != nil {
		return nil, err
	}
	r.Days, r.Now, r.Rand = days, f.Now(), f.Rand
	is, err := c.Issue(r)
	if err != nil {
		return nil, ca.IssueHint(c, err)
	}
	return f.finishServer(c, key, is, noRoot)
}

// finishServer encodes an issued server certificate's files.
func (f *Factory) finishServer(c *ca.CA, key crypto.Signer, is *ca.Issued, noRoot bool) (*serverIssue, error) {
	f.noteClamp(is)
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		return nil, err
	}
	return &serverIssue{Key: key, KeyPEM: keyPEM, Issued: is, Chain: c.ServerChain(is.Cert, noRoot)}, nil
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
	existing, err := f.existingKey(cmd, opts.Key, opts.KeyPassIn)
	if err != nil {
		return err
	}
	paths := []string{certPath, keyPath}
	if existing != nil {
		paths = paths[:1]
	}
	force, err := f.allowOverwrite(opts.Force, paths...)
	if err != nil {
		return err
	}
	for _, p := range paths {
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
		c, si, err = step.issueServer(hosts, gen, existing, opts.NoRoot)
	} else {
		c, si, err = f.openAndIssueServer(opts, hosts, gen, existing)
	}
	if err != nil {
		return err
	}
	dir := filepath.Dir(certPath)
	var txn fsutil.Txn
	if existing == nil {
		txn.Add(keyPath, si.KeyPEM, fsutil.DirOwnerOptions(dir, fsutil.KeyMode, force))
	}
	txn.Add(certPath, si.Chain, fsutil.DirOwnerOptions(dir, fsutil.PublicMode, force))
	written, err := txn.Commit()
	if err != nil {
		return err
	}
	for _, w := range written {
		f.noteReplacedLink(w)
	}
	r := c.IssuedFiles(si.Issued, written)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	if step != nil {
		return r.WriteServerText(f.IO.Out, "")
	}
	return r.WriteServerText(f.IO.Out, c.CAs()[len(c.CAs())-1].CertPath())
}

// openAndIssueServer issues a server certificate from the CA directory of
// --ca-dir, else of -D's record.
func (f *Factory) openAndIssueServer(opts *caIssueServerOptions, hosts []string, gen keys.GenerateOptions, existing crypto.Signer) (*ca.CA, *serverIssue, error) {
	caDir, err := f.caDirFor(opts.CADir, opts.DataDir, false)
	if err != nil {
		return nil, nil, err
	}
	c, err := f.openSigningCA(caDir, opts.PassIn)
	if err != nil {
		return nil, nil, err
	}
	si, err := f.issueServer(c, hosts, gen, existing, opts.Days, opts.NoRoot)
	return c, si, err
}
