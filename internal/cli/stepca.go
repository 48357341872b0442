package cli

import (
	"context"
	"crypto"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
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
	return c.OpenProvisioner(ctx, s.Provisioner, rec, s.password(f))
}

// password reads --provisioner-pass, else asks for the password of the
// provisioner name.
func (s stepFlags) password(f *Factory) func(name string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s.ProvisionerPass != "" {
			return f.ReadPassphraseSpec("--provisioner-pass", s.ProvisionerPass)
		}
		return f.ExistingPassphrase("--provisioner-pass", "", "provisioner "+name)()
	}
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
	return stepca.ConnectOptions{URL: s.URL, RootFile: s.Root, Fingerprint: s.Fingerprint, ReadFile: f.ReadInput, Now: f.Now}
}

// loadRootKey loads --root-key with --root-key-pass, else a prompt.
func (s stepFlags) loadRootKey(f *Factory) func(string) (crypto.Signer, error) {
	return func(path string) (crypto.Signer, error) {
		k, err := f.LoadKey(path, "--root-key-pass", s.RootKeyPass)
		if err != nil {
			return nil, err
		}
		return k.Signer, nil
	}
}
