package cmdutil

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// LoadKey reads and, when it is encrypted, decrypts the private key in path. The
// passphrase comes from the passFlag source when one was given, else from a hidden
// prompt at a terminal; without either, loading fails at once with a hint.
func (f *Factory) LoadKey(path, passFlag, passSpec string) (*keys.Key, error) {
	data, err := f.ReadInput(path)
	if err != nil {
		return nil, err
	}
	k, err := keys.Parse(data, f.ExistingPassphrase(passFlag, passSpec, path))
	if err != nil {
		return nil, KeyError(path, passFlag, err)
	}
	return k, nil
}

// KeyError names the file in a key-reading error and says what to do about it.
func KeyError(path, passFlag string, err error) error {
	var fe *keys.FormatError
	var le *keys.LimitError
	switch {
	case errors.Is(err, keys.ErrIncorrectPassphrase):
		return &hint.Error{
			Err:   fmt.Errorf("%s: wrong passphrase", path),
			Hints: []string{fmt.Sprintf("check the passphrase; from a %s source only the first line is used", passFlag)},
		}
	case errors.As(err, &fe):
		var hints []string
		if fe.Hint != "" {
			hints = append(hints, fe.Hint)
		}
		return &hint.Error{Err: fmt.Errorf("%s: %w", path, err), Hints: hints}
	case errors.As(err, &le):
		return &hint.Error{Err: fmt.Errorf("%s: %w", path, err), Hints: []string{"this is not a key pgcert or PostgreSQL would use; re-create it"}}
	}
	var cliErr *hint.Error
	var usage *hint.UsageError
	if errors.As(err, &cliErr) || errors.As(err, &usage) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}
