package stepca

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// RenewClientOptions say how RenewClient renews a role's client bundle.
type RenewClientOptions struct {
	// Role is the role; Dir its bundle directory, "" for the one beside the
	// default CA directory (DefaultCADir's parent/clients/ROLE).
	Role, Dir string
	// Rekey and RevokeOld are refused: step-ca renews the certificate of the
	// key it has, and revokes only with a provisioner.
	Rekey, RevokeOld bool
	// Bundle holds the bundle's layout choices (Host, PK8, Rand); its Role and
	// Dir are filled in.
	Bundle ca.ClientBundleOptions

	// DefaultCADir returns the default CA directory.
	DefaultCADir func() (string, error)
	// ReadFile reads the bundle's certificate file; Key loads its key (from
	// keyPath), perhaps asking for a passphrase.
	ReadFile func(path string) ([]byte, error)
	Key      func(keyPath string) (*keys.Key, error)
	Connect  func() (*Client, error)
	// Write says how the bundle is written; Owner returns the owner of the
	// files in the bundle's directory.
	Write ca.BundleWrite
	Owner func(dir string) ca.FileOwner
}

// RenewedClient is a bundle RenewClient renewed: the report of ca renew client
// (--json) and the step-ca that renewed it.
type RenewedClient struct {
	ca.BundleRenewal
	URL string `json:"-"`
}

// WriteText writes what ca renew client prints.
func (r *RenewedClient) WriteText(w io.Writer) error { return r.WriteStepText(w, r.URL) }

// RenewClient renews a client bundle's certificate with step-ca's /1.0/renew
// (RenewBundle), keeping its key, and writes the bundle anew
// (ca.CA.WriteClientBundle).
func RenewClient(ctx context.Context, o RenewClientOptions) (*RenewedClient, error) {
	switch {
	case o.Rekey:
		return nil, hint.Usagef("--rekey does not apply with --ca-url: step-ca renews the certificate of the current key; make a new bundle with pgcert ca issue client --ca-url URL")
	case o.RevokeOld:
		return nil, hint.Usagef("--revoke-old does not apply with --ca-url: revoke the old certificate with pgcert ca revoke --ca-url URL SERIAL")
	}
	out := o.Dir
	if out == "" {
		def, err := o.DefaultCADir()
		if err != nil {
			return nil, err
		}
		out = filepath.Join(filepath.Dir(def), ca.ClientsDir, o.Role)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	certPath, keyPath := filepath.Join(out, ca.ClientCertFile), filepath.Join(out, ca.ClientKeyFile)
	data, err := o.ReadFile(certPath)
	if err != nil {
		return nil, hint.With(err, "give the bundle directory with -o DIR; step-ca renews the certificate it holds")
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certPath, err)
	}
	rb, err := RenewBundle(ctx, RenewBundleOptions{Certs: certs, CertFile: certPath, Role: o.Role,
		Key: func() (crypto.Signer, error) {
			k, err := o.Key(keyPath)
			if err != nil {
				return nil, err
			}
			return k.Signer, nil
		}, Connect: o.Connect})
	if err != nil {
		return nil, err
	}
	bo := o.Bundle
	bo.Role, bo.Dir = o.Role, out
	w := o.Write
	w.Owner = o.Owner(out)
	b, err := rb.Chain.WriteClientBundle(rb.Issued, rb.Key, bo, w)
	if err != nil {
		return nil, err
	}
	return &RenewedClient{BundleRenewal: ca.BundleRenewal{BundleReport: *b, OldSerial: ca.SerialHex(rb.Old.SerialNumber.Bytes()),
		OldNotAfter: rb.Old.NotAfter.UTC().Format(time.RFC3339)}, URL: rb.Client.URL}, nil
}
