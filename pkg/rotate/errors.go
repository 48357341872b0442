package rotate

import (
	"errors"
	"fmt"
	"io/fs"
)

// Error is a failure of a renewal or a rollback with hints saying what to do about
// it, one command or fact per hint, for a person to read.
type Error struct {
	Err   error
	Hints []string
}

// Error returns the message, without the hints.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the failure the hints are about.
func (e *Error) Unwrap() error { return e.Err }

// failf makes an Error from hints and a message.
func failf(hints []string, format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...), Hints: hints}
}

// withHints attaches hints to err.
func withHints(err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Hints: hints}
}

// inputError names path in an error reading it, in the words pgcert uses for every
// file it reads.
func inputError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return failf([]string{"check the path"}, "%s: no such file", path)
	case errors.Is(err, fs.ErrPermission):
		return failf([]string{"run as a user who may read it"}, "%s: permission denied", path)
	}
	return fmt.Errorf("reading %s: %w", path, err)
}
