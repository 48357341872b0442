package ca

import (
	"io"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// AddIntermediateOptions say what AddIntermediate makes.
type AddIntermediateOptions struct {
	// Dir is the new CA directory; CommonName "" means the root's followed by
	// the directory's name. Days must be positive.
	Dir        string
	CommonName string
	Days       int
	// Key is the kind of key made for the new CA.
	Key keys.GenerateOptions
	// Force lifts the refusals of a directory inside a data directory and of
	// an Ed25519 key.
	Force bool
	// OpenCA opens the existing CA, whose root signs; Unlock loads the root's
	// key (perhaps asking for its passphrase).
	OpenCA func() (*CA, error)
	Unlock func(root *CA) error
	// Encrypt encrypts the new key with what Passphrase returns (asked with
	// keyPath, the new key).
	Encrypt    bool
	Passphrase func(keyPath string) ([]byte, error)
	// Now is the clock; Rand the randomness of the key, serial and salts.
	Now  func() time.Time
	Rand io.Reader
}

// AddIntermediate makes another intermediate CA under the root of an existing
// CA, as a CA directory of its own (CreateIntermediate), with ca issue
// intermediate's refusals and hints (IntermediateHint). It returns the new CA
// and its root.
func AddIntermediate(o AddIntermediateOptions) (n, root *CA, err error) {
	if o.Days <= 0 {
		return nil, nil, hint.Usagef("--days %d: give a positive number of days", o.Days)
	}
	out, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, nil, err
	}
	if err := RefuseInDataDir(out, "", o.Force); err != nil {
		return nil, nil, err
	}
	if err := RefuseEdDSA(o.Key.Type, o.Force); err != nil {
		return nil, nil, err
	}
	c, err := o.OpenCA()
	if err != nil {
		return nil, nil, err
	}
	root = IntermediateRoot(c)
	cn := o.CommonName
	if cn == "" {
		cn = root.Cert.Subject.CommonName + " " + filepath.Base(out)
	}
	if err := o.Unlock(root); err != nil {
		return nil, nil, err
	}
	var pass []byte
	if o.Encrypt {
		if pass, err = o.Passphrase(filepath.Join(out, KeyFile)); err != nil {
			return nil, nil, err
		}
	}
	key := o.Key
	key.Rand = o.Rand
	n, err = CreateIntermediate(root, out, IntermediateOptions{
		CommonName: cn, Days: o.Days, Key: key, Passphrase: pass, Encrypt: keys.EncryptOptions{Rand: o.Rand},
		AllowEdDSA: o.Force, AllowDataDir: o.Force, Now: o.Now(), Rand: o.Rand,
	})
	if err != nil {
		return nil, nil, IntermediateHint(root, out, err)
	}
	return n, root, nil
}
