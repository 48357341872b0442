package rotate

import (
	"context"
	"crypto"
	"errors"
	"io"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// StepRemoteOptions say which step-ca a renewal of DataDir works with: the
// flags naming one (Connect, whose Record is filled from DataDir), else the one
// DataDir records.
type StepRemoteOptions struct {
	// DataDir is the data directory whose record is read.
	DataDir string
	// Connect is the step-ca the flags name (URL, root, fingerprint); an empty
	// URL means the record's.
	Connect stepca.ConnectOptions
	// Provisioner is --provisioner; empty means the record's. Renewal needs no
	// password: step-ca renews for whoever holds the current certificate and key.
	Provisioner string
	// RootKeyFile is --root-key, the root's key file that signs the root's CRL;
	// empty when the root is offline. LoadKey reads it, asking for its
	// passphrase as the caller does.
	RootKeyFile string
	LoadKey     func(path string) (crypto.Signer, error)
	// Context bounds the requests (nil: context.Background); Rand is the root
	// CRL's signature randomness (nil: crypto/rand).
	Context context.Context
	Rand    io.Reader
}

// NewStepRemote returns the step-ca a renewal works with, or nil (and no error)
// when neither the flags nor the data directory name one. A data directory that
// records a CA directory is refused when a step-ca is named: mixing the two CAs
// would leave clients trusting only one of them, so the hint names the init
// that moves the directory over on purpose.
func NewStepRemote(o StepRemoteOptions) (*StepRemote, error) {
	rec, err := ca.ReadStepRecord(o.DataDir)
	var nb *ca.NotBoundError
	switch {
	case errors.As(err, &nb) || errors.Is(err, ca.ErrNotStep):
		if o.Connect.URL == "" {
			return nil, nil
		}
		if errors.Is(err, ca.ErrNotStep) {
			return nil, ca.NotStepError(o.DataDir, o.Connect.URL,
				"pgcert init -D "+words.ShellWord(o.DataDir)+" "+o.Connect.FlagLine(o.Provisioner)+" --new-ca --force")
		}
		rec = nil
	case err != nil:
		return nil, err
	}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	co := o.Connect
	co.Record = rec
	c, err := stepca.Connect(ctx, co)
	if err != nil {
		return nil, err
	}
	r := &StepRemote{Client: c, Provisioner: o.Provisioner, Context: ctx, Rand: o.Rand}
	if r.Provisioner == "" && rec != nil {
		r.Provisioner = rec.Provisioner
	}
	if o.RootKeyFile != "" {
		k, err := o.LoadKey(o.RootKeyFile)
		if err != nil {
			return nil, err
		}
		if err := c.CheckRootKey(k, o.RootKeyFile); err != nil {
			return nil, err
		}
		r.RootKey = k
	}
	return r, nil
}
