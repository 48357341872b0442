package cmdutil

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/internal/passphrase"
	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/pkg/hint"
)

// newPassphraseAttempts is how often a person may retry a new passphrase that is too
// short or was not typed the same twice, before pgcert gives up (openssl asks again
// forever; a bounded number ends a session that is not going anywhere).
const newPassphraseAttempts = 3

// ReadPassphraseSpec reads a --passin/--passout source and prints its warnings.
func (f *Factory) ReadPassphraseSpec(flag, spec string) ([]byte, error) {
	s, err := passphrase.Parse(spec)
	if err != nil {
		return nil, &hint.UsageError{Err: fmt.Errorf("%s: %w", flag, err)}
	}
	pass, warnings, err := s.Read(passphrase.Env{Getenv: f.Getenv, Stdin: f.IO.In})
	for _, w := range warnings {
		f.Warnf("%s", w)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, s, err)
	}
	return pass, nil
}

// ExistingPassphrase returns the function that yields the passphrase of an encrypted
// input file: from the --passin source when one was given, else from a hidden prompt,
// else an error with a hint (never a wait for input that cannot come).
func (f *Factory) ExistingPassphrase(flag, spec, file string) func() ([]byte, error) {
	return func() ([]byte, error) {
		if spec != "" {
			return f.ReadPassphraseSpec(flag, spec)
		}
		p := f.Asker()
		if p == nil {
			return nil, noTerminalForPassphrase(flag, file)
		}
		pass, err := p.Password(fmt.Sprintf("Enter pass phrase for %s:", file))
		if err != nil {
			return nil, err
		}
		if pass == "" {
			return nil, fmt.Errorf("no passphrase given for %s", file)
		}
		return []byte(pass), nil
	}
}

// NewPassphrase returns the passphrase to encrypt a new key with: from the source
// given, else asked twice at a terminal; at least passphrase.MinLength characters.
func (f *Factory) NewPassphrase(flag, spec, file string) ([]byte, error) {
	if spec != "" {
		pass, err := f.ReadPassphraseSpec(flag, spec)
		if err != nil {
			return nil, err
		}
		if err := passphrase.CheckNew(pass); err != nil {
			return nil, hint.With(fmt.Errorf("%s: %w", flag, err), "openssl refuses shorter passphrases too")
		}
		return pass, nil
	}
	p := f.Asker()
	if p == nil {
		return nil, noTerminalForPassphrase(flag, file)
	}
	for attempt := 1; ; attempt++ {
		pass, err := askNewPassphrase(p, file)
		if err == nil {
			return pass, nil
		}
		var retry *retryableError
		if !errors.As(err, &retry) || attempt == newPassphraseAttempts {
			return nil, err
		}
		f.Warnf("%s; try again", err)
	}
}

type retryableError struct{ msg string }

func (e *retryableError) Error() string { return e.msg }

func askNewPassphrase(p prompt.Prompter, file string) ([]byte, error) {
	first, err := p.Password(fmt.Sprintf("Enter pass phrase for %s:", file))
	if err != nil {
		return nil, err
	}
	if err := passphrase.CheckNew([]byte(first)); err != nil {
		return nil, &retryableError{err.Error()}
	}
	second, err := p.Password(fmt.Sprintf("Verifying - Enter pass phrase for %s:", file))
	if err != nil {
		return nil, err
	}
	if first != second {
		return nil, &retryableError{"the passphrases do not match"}
	}
	return []byte(first), nil
}

func noTerminalForPassphrase(flag, file string) error {
	return hint.Errorf([]string{
		fmt.Sprintf("give it with %s env:VAR, %s file:PATH or %s fd:N", flag, flag, flag),
	}, "%s needs a passphrase, and there is no terminal to ask for it (or --no-input is set)", file)
}
