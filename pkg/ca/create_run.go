package ca

import (
	"fmt"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// NewOptions say what New makes: Create's options, with the choices a person
// makes around them.
type NewOptions struct {
	// Dir is the new CA directory. DataDir is a data directory the CA must stay
	// out of even when it is not one yet (pgcert init's -D), Force lifts that
	// refusal and the one of an Ed25519 key.
	Dir, DataDir string
	Force        bool
	// Create is what to make; its CommonName "" means DefaultCommonName
	// followed by the host name, its Passphrase, AllowEdDSA and AllowDataDir
	// are set here.
	Create CreateOptions
	// Encrypt encrypts the keys with the passphrase Passphrase returns (asked
	// with keyPath, the root's key).
	Encrypt    bool
	Passphrase func(keyPath string) ([]byte, error)
	// Hostname names this machine, for the default Common Name.
	Hostname func() (string, error)
	// Progress shows msg while RSA keys are made, which takes seconds; it
	// returns the function that ends it.
	Progress func(msg string) (stop func())
	// Now, when set, is the time of creation, read once the passphrase is
	// given (Create.Now otherwise).
	Now func() time.Time
}

// New makes a CA as ca init does: refused inside a data directory or with an
// Ed25519 key unless Force, named after this host by default, with an
// intermediate whose default name must fit a Common Name; errors come with
// hints (CreateHint).
func New(o NewOptions) (*CA, error) {
	if err := RefuseInDataDir(o.Dir, o.DataDir, o.Force); err != nil {
		return nil, err
	}
	if err := RefuseEdDSA(o.Create.Key.Type, o.Force); err != nil {
		return nil, err
	}
	co := o.Create
	if co.CommonName == "" {
		co.CommonName = DefaultCommonName
		if h, err := o.Hostname(); err == nil && h != "" {
			co.CommonName += " " + h
		}
	}
	if def := co.CommonName + " Intermediate"; co.Intermediate && co.IntermediateCommonName == "" && utf8.RuneCountInString(def) > 64 {
		return nil, hint.Usagef("the intermediate CA's default name %q is longer than the 64 characters a Common Name may have: give one with --intermediate-cn NAME", def)
	}
	if o.Encrypt {
		p, err := o.Passphrase(filepath.Join(o.Dir, KeyFile))
		if err != nil {
			return nil, err
		}
		co.Passphrase = p
	}
	co.AllowEdDSA, co.AllowDataDir = o.Force, o.Force
	if o.Now != nil {
		co.Now = o.Now()
	}
	if co.Key.Type == keys.TypeRSA {
		defer o.Progress(fmt.Sprintf("generating RSA %d CA keys", co.Key.Bits))()
	}
	c, err := Create(o.Dir, co)
	if err != nil {
		return nil, CreateHint(o.Dir, err)
	}
	return c, nil
}
