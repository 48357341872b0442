package ca

import (
	"errors"
	"io/fs"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// Unlocker loads CA keys, asking for a passphrase at most once when CAs share
// it: pgcert gives a root and its intermediate the same one, so the passphrase
// that opened one key is tried on the next before asking again.
type Unlocker struct {
	// Ask returns the passphrase of the key at keyPath (a prompt, or a
	// --passin source).
	Ask  func(keyPath string) ([]byte, error)
	last []byte
}

// Unlock loads c's key, if not loaded yet. Its errors say what to do (a
// hint.Error) for a wrong passphrase or a key that is not there (moved offline).
func (u *Unlocker) Unlock(c *CA) error {
	if c.Unlocked() {
		return nil
	}
	if u.last != nil {
		if err := c.Unlock(func() ([]byte, error) { return u.last, nil }); err == nil {
			return nil
		} else if !errors.Is(err, keys.ErrIncorrectPassphrase) {
			return unlockError(c, err)
		}
	}
	err := c.Unlock(func() ([]byte, error) {
		p, err := u.Ask(c.KeyPath())
		if err == nil {
			u.last = p
		}
		return p, err
	})
	return unlockError(c, err)
}

// UnlockAll loads the keys of cas, in order, with one Unlocker.
func UnlockAll(ask func(keyPath string) ([]byte, error), cas ...*CA) error {
	u := &Unlocker{Ask: ask}
	for _, c := range cas {
		if err := u.Unlock(c); err != nil {
			return err
		}
	}
	return nil
}

// unlockError words err of c.Unlock for a person; an error that has hints (from
// Ask) is kept as it is.
func unlockError(c *CA, err error) error {
	var he *hint.Error
	switch {
	case err == nil || errors.As(err, &he):
		return err
	case errors.Is(err, keys.ErrIncorrectPassphrase):
		return hint.Errorf([]string{"check the CA passphrase; from a --passin source only the first line is used"}, "%s: wrong passphrase", c.KeyPath())
	case errors.Is(err, fs.ErrNotExist):
		return hint.Errorf([]string{"the CA key may have been moved offline; put it back to sign"}, "%s: no such file", c.KeyPath())
	}
	return err
}
