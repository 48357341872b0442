package stepca

import (
	"context"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

// ConnectOptions name a step-ca the way pgcert's commands do: flags, and the
// data directory's record for what the flags leave out, so that a timer renewing
// a data directory needs no flag at all.
type ConnectOptions struct {
	// URL is --ca-url; empty means the record's.
	URL string
	// RootFile is --ca-root, the root certificate file to trust, read with
	// ReadFile (a caller that bounds sizes and refuses FIFOs says so there).
	RootFile string
	// Fingerprint is --ca-fingerprint, the root's SHA-256.
	Fingerprint string
	// Record is the data directory's record of its step-ca, nil when none.
	Record *ca.StepRecord
	// ReadFile reads RootFile.
	ReadFile func(path string) ([]byte, error)
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Connect returns a client of the step-ca o names, trusting the root file or
// the fingerprint given, else the fingerprint the record keeps for the same URL:
// a record's root is trusted only for the address it was recorded with, so a
// new --ca-url cannot inherit an old CA's trust. Its errors carry hints (Hinted).
func Connect(ctx context.Context, o ConnectOptions) (*Client, error) {
	opts := Options{URL: o.URL, Fingerprint: o.Fingerprint, Now: o.Now}
	if opts.URL == "" && o.Record != nil {
		opts.URL = o.Record.URL
	}
	if o.RootFile != "" {
		data, err := o.ReadFile(o.RootFile)
		if err != nil {
			return nil, err
		}
		certs, err := chain.ParseCertificates(data)
		if err != nil || len(certs) == 0 {
			return nil, hint.Errorf([]string{"give the step-ca's root_ca.crt, or its fingerprint with --ca-fingerprint"}, "--ca-root %s holds no certificate", o.RootFile)
		}
		opts.Root = certs[0]
	}
	if opts.Root == nil && opts.Fingerprint == "" && o.Record != nil && o.Record.URL == opts.URL {
		opts.Fingerprint = o.Record.RootSHA256
	}
	if opts.Root == nil && opts.Fingerprint == "" {
		return nil, hint.Usagef("--ca-url needs the step-ca's root: --ca-root FILE or --ca-fingerprint SHA256")
	}
	c, err := New(ctx, opts)
	if err != nil {
		return nil, Hinted(err)
	}
	return c, nil
}

// ProvisionerName is the JWK provisioner to sign with: --provisioner (flag),
// else the one the data directory's record (rec, nil when none) names.
func ProvisionerName(flag string, rec *ca.StepRecord) (string, error) {
	name := flag
	if name == "" && rec != nil {
		name = rec.Provisioner
	}
	if name == "" {
		return "", hint.Usagef("give the step-ca's JWK provisioner with --provisioner NAME")
	}
	return name, nil
}

// OpenProvisioner decrypts the provisioner ProvisionerName chooses with the
// password that password returns for its name; asking only once the name is
// known lets a prompt say which provisioner it wants the password of.
func (c *Client) OpenProvisioner(ctx context.Context, flag string, rec *ca.StepRecord, password func(name string) ([]byte, error)) (*Provisioner, error) {
	name, err := ProvisionerName(flag, rec)
	if err != nil {
		return nil, err
	}
	pass, err := password(name)
	if err != nil {
		return nil, err
	}
	p, err := c.Provisioner(ctx, name, pass)
	if err != nil {
		return nil, Hinted(err)
	}
	return p, nil
}

// FlagLine is the command-line flags that name the step-ca of o with
// provisioner, for a hint to paste: never a password, which belongs in a source
// the person chooses.
func (o ConnectOptions) FlagLine(provisioner string) string {
	parts := []string{"--ca-url", words.ShellWord(o.URL)}
	if o.RootFile != "" {
		parts = append(parts, "--ca-root", words.ShellWord(o.RootFile))
	}
	if o.Fingerprint != "" {
		parts = append(parts, "--ca-fingerprint", o.Fingerprint)
	}
	if provisioner != "" {
		parts = append(parts, "--provisioner", words.ShellWord(provisioner))
	}
	return strings.Join(parts, " ")
}
