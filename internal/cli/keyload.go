package cli

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/keys"
)

// loadKey reads and, when it is encrypted, decrypts the private key in path. The
// passphrase comes from the passFlag source when one was given, else from a hidden
// prompt at a terminal; without either, loading fails at once with a hint.
func (f *Factory) loadKey(path, passFlag, passSpec string) (*keys.Key, error) {
	data, err := f.readInput(path)
	if err != nil {
		return nil, err
	}
	k, err := keys.Parse(data, f.existingPassphrase(passFlag, passSpec, path))
	if err != nil {
		return nil, keyError(path, passFlag, err)
	}
	return k, nil
}

// keyError names the file in a key-reading error and says what to do about it.
func keyError(path, passFlag string, err error) error {
	var fe *keys.FormatError
	var le *keys.LimitError
	switch {
	case errors.Is(err, keys.ErrIncorrectPassphrase):
		return &Error{
			Err:   fmt.Errorf("%s: wrong passphrase", path),
			Hints: []string{fmt.Sprintf("check the passphrase; from a %s source only the first line is used", passFlag)},
		}
	case errors.As(err, &fe):
		var hints []string
		if fe.Hint != "" {
			hints = append(hints, fe.Hint)
		}
		return &Error{Err: fmt.Errorf("%s: %w", path, err), Hints: hints}
	case errors.As(err, &le):
		return &Error{Err: fmt.Errorf("%s: %w", path, err), Hints: []string{"this is not a key pgcert or PostgreSQL would use; re-create it"}}
	}
	var cliErr *Error
	var usage *UsageError
	if errors.As(err, &cliErr) || errors.As(err, &usage) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}
