package cli

import (
	"context"
	"crypto"
	"errors"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
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

// stepClient connects to the step-ca of s (stepca.Connect), reading --ca-root
// as command-line input.
func (f *Factory) stepClient(ctx context.Context, s stepFlags, rec *ca.StepRecord) (*stepca.Client, error) {
	o := s.connect(f)
	o.Record = rec
	return stepca.Connect(ctx, o)
}

// stepProvisioner decrypts the provisioner's key (Client.OpenProvisioner) with
// --provisioner-pass, else a prompt.
func (f *Factory) stepProvisioner(ctx context.Context, c *stepca.Client, s stepFlags, rec *ca.StepRecord) (*stepca.Provisioner, error) {
	return c.OpenProvisioner(ctx, s.Provisioner, rec, func(name string) ([]byte, error) {
		if s.ProvisionerPass != "" {
			return f.readPassphraseSpec("--provisioner-pass", s.ProvisionerPass)
		}
		return f.existingPassphrase("--provisioner-pass", "", "provisioner "+name)()
	})
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

// stepRemote is the step-ca renew works with (rotate.NewStepRemote); nil when
// neither --ca-url nor the data directory names one.
func (f *Factory) stepRemote(s stepFlags, dataDir string) (*rotate.StepRemote, error) {
	return rotate.NewStepRemote(rotate.StepRemoteOptions{
		DataDir: dataDir, Connect: s.connect(f), Provisioner: s.Provisioner,
		RootKeyFile: s.RootKey, LoadKey: s.loadRootKey(f), Rand: f.Rand,
	})
}

// connect is what s says of the step-ca to connect to, reading --ca-root as
// command-line input.
func (s stepFlags) connect(f *Factory) stepca.ConnectOptions {
	return stepca.ConnectOptions{URL: s.URL, RootFile: s.Root, Fingerprint: s.Fingerprint, ReadFile: f.readInput, Now: f.Now}
}

// loadRootKey loads --root-key with --root-key-pass, else a prompt.
func (s stepFlags) loadRootKey(f *Factory) func(string) (crypto.Signer, error) {
	return func(path string) (crypto.Signer, error) {
		k, err := f.loadKey(path, "--root-key-pass", s.RootKeyPass)
		if err != nil {
			return nil, err
		}
		return k.Signer, nil
	}
}
