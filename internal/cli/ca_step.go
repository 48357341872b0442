package cli

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/stepca"
)

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
