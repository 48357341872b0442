package cli

import (
	"context"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// signerFor returns what signs for a command: the step-ca of --ca-url, else the
// one -D records unless --ca-dir names a CA directory; else the CA directory
// of --ca-dir or -D's record (cmdutil.CADirFor), unlocked with passIn.
func (f *Factory) signerFor(s stepFlags, caDirFlag, dataDir, passIn string) (ca.Signer, error) {
	rec := ca.StepRecordFor(dataDir, caDirFlag)
	if s.URL == "" && rec == nil {
		return f.dirSigner(func() (string, error) { return f.CADirFor(caDirFlag, dataDir, false) }, passIn), nil
	}
	if caDirFlag != "" {
		return nil, hint.Usagef("give --ca-url or --ca-dir, not both")
	}
	return f.stepSigner(s, rec), nil
}

// dirSigner signs with the CA directory dir returns, unlocked with passIn.
func (f *Factory) dirSigner(dir func() (string, error), passIn string) *ca.DirSigner {
	return &ca.DirSigner{Dir: dir, OpenCA: f.OpenCADir, Unlock: func(c *ca.CA) error { return f.UnlockCAs(passIn, c) }}
}

// stepSigner signs with the step-ca of s, else of rec.
func (f *Factory) stepSigner(s stepFlags, rec *ca.StepRecord) *stepca.Signer {
	ctx := context.Background()
	return &stepca.Signer{Ctx: ctx,
		Connect:      func() (*stepca.Client, error) { return f.stepClient(ctx, s, rec) },
		Provisioner:  func(c *stepca.Client) (*stepca.Provisioner, error) { return f.stepProvisioner(ctx, c, s, rec) },
		DefaultCADir: func() (string, error) { return f.ResolveCADir("") }}
}

// caRenewClientStep renews a client bundle with step-ca's /1.0/renew
// (stepca.RenewClient): mutual TLS with the bundle's certificate and key, so no
// password is needed.
func (f *Factory) caRenewClientStep(opts *caRenewClientOptions, bundle ca.ClientBundleOptions) error {
	ctx := context.Background()
	r, err := stepca.RenewClient(ctx, stepca.RenewClientOptions{Role: opts.User, Dir: opts.OutDir, Rekey: opts.Rekey, RevokeOld: opts.RevokeOld,
		Bundle: bundle, DefaultCADir: func() (string, error) { return f.ResolveCADir("") }, ReadFile: f.ReadInput,
		Key:     func(keyPath string) (*keys.Key, error) { return f.LoadKey(keyPath, "--passin", opts.PassIn) },
		Connect: func() (*stepca.Client, error) { return f.stepClient(ctx, opts.Step, nil) },
		Write:   f.bundleWrite(), Owner: cmdutil.InheritedOwner})
	if err != nil {
		return err
	}
	return f.jsonOrText(r.BundleRenewal, r.WriteText)
}
