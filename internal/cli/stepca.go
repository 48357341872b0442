package cli

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// stepFlags are the flags that name a running step-ca as the CA.
type stepFlags struct {
	URL, Root, Fingerprint       string
	Provisioner, ProvisionerPass string
	RootKey, RootKeyPass         string
}

// cmdline is the flags naming the step-ca, for hints: never the password.
func (s stepFlags) cmdline() string {
	parts := []string{"--ca-url", shellWord(s.URL)}
	if s.Root != "" {
		parts = append(parts, "--ca-root", shellWord(s.Root))
	}
	if s.Fingerprint != "" {
		parts = append(parts, "--ca-fingerprint", s.Fingerprint)
	}
	if s.Provisioner != "" {
		parts = append(parts, "--provisioner", shellWord(s.Provisioner))
	}
	return strings.Join(parts, " ")
}

// addStepCAFlags registers the step-ca flags; withRootKey adds --root-key for
// commands that write root.crl.
func addStepCAFlags(cmd *cobra.Command, s *stepFlags, withRootKey bool) {
	fl := cmd.Flags()
	fl.StringVar(&s.URL, "ca-url", "", "use the step-ca at `URL` (https://HOST:PORT) as the CA instead of a CA directory")
	fl.StringVar(&s.Root, "ca-root", "", "with --ca-url, the step-ca's root certificate `FILE`")
	fl.StringVar(&s.Fingerprint, "ca-fingerprint", "", "with --ca-url, the SHA-256 `FINGERPRINT` of the step-ca's root (step certificate fingerprint root_ca.crt)")
	fl.StringVar(&s.Provisioner, "provisioner", "", "with --ca-url, the JWK provisioner `NAME` (default: the one the data directory records)")
	fl.StringVar(&s.ProvisionerPass, "provisioner-pass", "", "with --ca-url, the provisioner's password `SOURCE`: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	cmd.MarkFlagFilename("ca-root", "crt", "pem")
	if withRootKey {
		fl.StringVar(&s.RootKey, "root-key", "", "with --ca-url, the step-ca root's key `FILE`, to make the root's CRL (without it ssl_crl_file is left out)")
		fl.StringVar(&s.RootKeyPass, "root-key-pass", "", "passphrase `SOURCE` of --root-key")
		cmd.MarkFlagFilename("root-key")
	}
}

// stepClient connects to the step-ca of s, trusting the root file or the
// fingerprint given, else the one rec (the data directory's record) names.
func (f *Factory) stepClient(ctx context.Context, s stepFlags, rec *ca.StepRecord) (*stepca.Client, error) {
	o := stepca.Options{URL: s.URL, Fingerprint: s.Fingerprint, Now: f.Now}
	if o.URL == "" && rec != nil {
		o.URL = rec.URL
	}
	if s.Root != "" {
		data, err := f.readInput(s.Root)
		if err != nil {
			return nil, err
		}
		certs, err := chain.ParseCertificates(data)
		if err != nil || len(certs) == 0 {
			return nil, failf([]string{"give the step-ca's root_ca.crt, or its fingerprint with --ca-fingerprint"}, "--ca-root %s holds no certificate", s.Root)
		}
		o.Root = certs[0]
	}
	if o.Root == nil && o.Fingerprint == "" && rec != nil && rec.URL == o.URL {
		o.Fingerprint = rec.RootSHA256
	}
	if o.Root == nil && o.Fingerprint == "" {
		return nil, usageErrorf("--ca-url needs the step-ca's root: --ca-root FILE or --ca-fingerprint SHA256")
	}
	c, err := stepca.New(ctx, o)
	if err != nil {
		return nil, stepError(err)
	}
	return c, nil
}

// stepProvisioner decrypts the provisioner's key with its password.
func (f *Factory) stepProvisioner(ctx context.Context, c *stepca.Client, s stepFlags, rec *ca.StepRecord) (*stepca.Provisioner, error) {
	name := s.Provisioner
	if name == "" && rec != nil {
		name = rec.Provisioner
	}
	if name == "" {
		return nil, usageErrorf("give the step-ca's JWK provisioner with --provisioner NAME")
	}
	var pass []byte
	var err error
	if s.ProvisionerPass != "" {
		pass, err = f.readPassphraseSpec("--provisioner-pass", s.ProvisionerPass)
	} else {
		pass, err = f.existingPassphrase("--provisioner-pass", "", "provisioner "+name)()
	}
	if err != nil {
		return nil, err
	}
	p, err := c.Provisioner(ctx, name, pass)
	if err != nil {
		return nil, stepError(err)
	}
	return p, nil
}

// stepError gives pkg/stepca's errors what to do about them.
var stepError = stepca.Hinted

// initStep is init with a step-ca as the CA: what initRun does from the choice
// of the CA on.
func (f *Factory) initStep(opts *initOptions, dd *pgdata.DataDir, cfg *pgdata.Config, gen keys.GenerateOptions, roles []string) error {
	ctx := context.Background()
	rec, err := ca.ReadStepRecord(dd.Dir)
	var nb *ca.NotBoundError
	switch {
	case errors.Is(err, ca.ErrNotStep) && !opts.NewCA:
		return ca.NotStepError(dd.Dir, opts.Step.URL, "")
	case err != nil && !errors.As(err, &nb) && !errors.Is(err, ca.ErrNotStep):
		return err
	}
	clientsDir := opts.ClientsDir
	if clientsDir == "" {
		def, err := f.resolveCADir("")
		if err != nil {
			return err
		}
		clientsDir = filepath.Join(filepath.Dir(def), ca.ClientsDir)
	}
	if clientsDir, err = filepath.Abs(clientsDir); err != nil {
		return err
	}
	if len(roles) > 0 && ca.Within(clientsDir, dd.Dir) {
		return failf([]string{"client keys belong to the clients: choose a directory outside the data directory with --clients-dir"},
			"the client bundle directory %s is inside the data directory %s", clientsDir, dd.Dir)
	}
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
	c, err := f.stepClient(ctx, opts.Step, rec)
	if err != nil {
		return err
	}
	if !opts.NewCA {
		if err := bootstrap.OtherCAHint(bootstrap.OtherStepCA(dd.Dir, c.Root, c.URL), dd.Dir); err != nil {
			return err
		}
	}
	p, err := f.stepProvisioner(ctx, c, opts.Step, rec)
	if err != nil {
		return err
	}
	var rootKey *keys.Key
	if opts.Step.RootKey != "" {
		if rootKey, err = f.loadKey(opts.Step.RootKey, "--root-key-pass", opts.Step.RootKeyPass); err != nil {
			return err
		}
		if err := c.CheckRootKey(rootKey.Signer, opts.Step.RootKey); err != nil {
			return err
		}
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = f.defaultHosts()
	}
	step := &bootstrap.StepCA{Client: c, Provisioner: p, Context: ctx}
	if rootKey != nil {
		step.RootKey = rootKey.Signer
	}
	plan, err := bootstrap.NewPlan(bootstrap.Options{
		DataDir: dd, Step: step, Hosts: hosts,
		Clients: opts.Clients, Replication: opts.Replication, ClientsDir: clientsDir, Key: gen,
		Days: opts.Days, NoRoot: opts.NoRoot, PK8: opts.PK8, Configure: opts.Configure, Config: cfg, AllowOutside: opts.AllowOutside, Force: force,
		Now: f.Now, Rand: f.Rand, GenerateKey: f.generateKey, Reporter: reporter{f},
	})
	if err != nil {
		return stepError(err)
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

// stepRemote is the step-ca renew works with: --ca-url's, else the one the data
// directory records; nil when neither names one. No password is needed: step-ca
// renews for whoever holds the current certificate and key.
func (f *Factory) stepRemote(s stepFlags, dataDir string) (*rotate.StepRemote, error) {
	rec, err := ca.ReadStepRecord(dataDir)
	var nb *ca.NotBoundError
	switch {
	case errors.As(err, &nb) || errors.Is(err, ca.ErrNotStep):
		if s.URL == "" {
			return nil, nil
		}
		if errors.Is(err, ca.ErrNotStep) {
			return nil, ca.NotStepError(dataDir, s.URL, "pgcert init -D "+shellWord(dataDir)+" "+s.cmdline()+" --new-ca --force")
		}
		rec = nil
	case err != nil:
		return nil, err
	}
	ctx := context.Background()
	c, err := f.stepClient(ctx, s, rec)
	if err != nil {
		return nil, err
	}
	r := &rotate.StepRemote{Client: c, Provisioner: s.Provisioner, Context: ctx, Rand: f.Rand}
	if r.Provisioner == "" && rec != nil {
		r.Provisioner = rec.Provisioner
	}
	if s.RootKey != "" {
		k, err := f.loadKey(s.RootKey, "--root-key-pass", s.RootKeyPass)
		if err != nil {
			return nil, err
		}
		if err := c.CheckRootKey(k.Signer, s.RootKey); err != nil {
			return nil, err
		}
		r.RootKey = k.Signer
	}
	return r, nil
}

// caRevokeStep revokes through a step-ca: --ca-url's, else the one -D records.
// step-ca revokes passively: the certificate is listed in its next CRL, which
// pgcert renew -D then brings into root.crl.
func (f *Factory) caRevokeStep(opts *caRevokeOptions, reason ca.Reason, rec *ca.StepRecord) error {
	ctx := context.Background()
	c, err := f.stepClient(ctx, opts.Step, rec)
	if err != nil {
		return err
	}
	o := stepca.RevokeOptions{CertFile: opts.Cert, Reason: reason,
		Provisioner: func() (*stepca.Provisioner, error) { return f.stepProvisioner(ctx, c, opts.Step, rec) }}
	if opts.Cert != "" {
		data, err := f.readInput(opts.Cert)
		if err != nil {
			return err
		}
		if o.Certs, err = chain.ParseCertificates(data); err != nil {
			return fmt.Errorf("%s: %w", opts.Cert, err)
		}
	} else if o.Serial, err = parseSerial(opts.Serial); err != nil {
		return err
	}
	out, err := c.RevokeWith(ctx, o)
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, out)
	}
	out.WriteText(f.IO.Out)
	next := "PGDATA"
	if opts.DataDir != "" {
		next = shellWord(opts.DataDir)
	}
	f.infof("the server refuses it once it has step-ca's new CRL: pgcert renew -D %s --reload", next)
	return nil
}

// stepSigner is a step-ca that issues client certificates for a command.
type stepSigner struct {
	f      *Factory
	flags  stepFlags
	rec    *ca.StepRecord
	ctx    context.Context
	client *stepca.Client
	prov   *stepca.Provisioner
}

// stepFor returns the step-ca a command signs with: --ca-url's, else the one
// -D records unless --ca-dir names a CA directory; nil for neither.
func (f *Factory) stepFor(s stepFlags, caDirFlag, dataDir string) (*stepSigner, error) {
	var rec *ca.StepRecord
	if dataDir != "" && caDirFlag == "" {
		rec, _ = ca.ReadStepRecord(dataDir)
	}
	if s.URL == "" && rec == nil {
		return nil, nil
	}
	if caDirFlag != "" {
		return nil, usageErrorf("give --ca-url or --ca-dir, not both")
	}
	return &stepSigner{f: f, flags: s, rec: rec, ctx: context.Background()}, nil
}

// clientsBase is where bundles go by default (BASE/clients/ROLE): beside the
// default CA directory, as init puts them.
func (s *stepSigner) clientsBase() (string, error) {
	def, err := s.f.resolveCADir("")
	if err != nil {
		return "", err
	}
	return filepath.Dir(def), nil
}

// open connects to the step-ca and decrypts the provisioner's key; the CA it
// returns is the root alone, until a certificate brings the intermediates.
func (s *stepSigner) open() (*ca.CA, error) {
	var err error
	if s.client, err = s.f.stepClient(s.ctx, s.flags, s.rec); err != nil {
		return nil, err
	}
	if s.prov, err = s.f.stepProvisioner(s.ctx, s.client, s.flags, s.rec); err != nil {
		return nil, err
	}
	return ca.ChainOf(s.client.Root), nil
}

// issueClient makes a client key here and has the step-ca certify it for role;
// the CA returned is the certificate's chain, for its bundle.
func (s *stepSigner) issueClient(role string, gen keys.GenerateOptions, existing crypto.Signer) (crypto.Signer, *ca.CA, *ca.Issued, error) {
	key, err := s.f.subjectKey(gen, existing)
	if err != nil {
		return nil, nil, nil, err
	}
	is, err := s.client.Issue(s.ctx, stepca.Request{Provisioner: s.prov, Key: key, Subject: role})
	if err != nil {
		return nil, nil, nil, stepError(err)
	}
	return key, s.client.Chain(is), &ca.Issued{Cert: is.Cert}, nil
}

// caRenewClientStep renews a client bundle with step-ca's /1.0/renew: mutual TLS
// with the bundle's certificate and key, which step-ca takes as the
// authorisation, so no password is needed. The key is kept: step-ca renews the
// certificate of the key it has.
func (f *Factory) caRenewClientStep(opts *caRenewClientOptions) error {
	switch {
	case opts.Rekey:
		return usageErrorf("--rekey does not apply with --ca-url: step-ca renews the certificate of the current key; make a new bundle with pgcert ca issue client --ca-url URL")
	case opts.RevokeOld:
		return usageErrorf("--revoke-old does not apply with --ca-url: revoke the old certificate with pgcert ca revoke --ca-url URL SERIAL")
	}
	s := &stepSigner{f: f}
	out := opts.OutDir
	if out == "" {
		base, err := s.clientsBase()
		if err != nil {
			return err
		}
		out = filepath.Join(base, ca.ClientsDir, opts.User)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	certPath, keyPath := filepath.Join(out, ca.ClientCertFile), filepath.Join(out, ca.ClientKeyFile)
	data, err := f.readInput(certPath)
	if err != nil {
		return withHints(err, "give the bundle directory with -o DIR; step-ca renews the certificate it holds")
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return fmt.Errorf("%s: %w", certPath, err)
	}
	ctx := context.Background()
	rb, err := stepca.RenewBundle(ctx, stepca.RenewBundleOptions{Certs: certs, CertFile: certPath, Role: opts.User,
		Key: func() (crypto.Signer, error) {
			k, err := f.loadKey(keyPath, "--passin", opts.PassIn)
			if err != nil {
				return nil, err
			}
			return k.Signer, nil
		},
		Connect: func() (*stepca.Client, error) { return f.stepClient(ctx, opts.Step, nil) }})
	if err != nil {
		return err
	}
	b, files, err := f.bundleFiles(rb.Chain, rb.Issued, rb.Key, opts.User, out, opts.PK8, true, opts.Host)
	if err != nil {
		return err
	}
	if err := f.writeBundle(b, files); err != nil {
		return err
	}
	r := ca.BundleRenewal{BundleReport: *b, OldSerial: ca.SerialHex(rb.Old.SerialNumber.Bytes()),
		OldNotAfter: rb.Old.NotAfter.UTC().Format(time.RFC3339)}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	return r.WriteStepText(f.IO.Out, rb.Client.URL)
}

// signStep has the step-ca sign csr, for exactly its names; the CA returned is
// the certificate's chain.
func (f *Factory) signStep(s stepFlags, csr *x509.CertificateRequest) (*ca.CA, *ca.Issued, error) {
	st := &stepSigner{f: f, flags: s, ctx: context.Background()}
	if _, err := st.open(); err != nil {
		return nil, nil, err
	}
	is, err := st.client.SignRequest(st.ctx, st.prov, csr)
	if err != nil {
		return nil, nil, stepError(err)
	}
	return st.client.Chain(is), &ca.Issued{Cert: is.Cert}, nil
}

// issueServer makes a server key here and has the step-ca certify it for hosts
// (the first is the Common Name); the CA returned is the certificate's chain.
func (s *stepSigner) issueServer(hosts []string, gen keys.GenerateOptions, existing crypto.Signer, noRoot bool) (*ca.CA, *serverIssue, error) {
	if _, err := s.open(); err != nil {
		return nil, nil, err
	}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = strings.Trim(h, "[]")
	}
	key, err := s.f.subjectKey(gen, existing)
	if err != nil {
		return nil, nil, err
	}
	is, err := s.client.Issue(s.ctx, stepca.Request{Provisioner: s.prov, Key: key, Subject: names[0], SANs: names})
	if err != nil {
		return nil, nil, stepError(err)
	}
	c := s.client.Chain(is)
	si, err := s.f.finishServer(c, key, &ca.Issued{Cert: is.Cert}, noRoot)
	return c, si, err
}
