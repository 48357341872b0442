// Package hint is pgcert's one error type that carries advice: a failure, and the
// commands or facts that tell a person what to do about it. The libraries return
// it where they know the remedy (a renewal refused, a file that cannot be read); the
// command line prints the message, then each hint on its own line.
//
// A Go caller reads the message with Error and the advice with errors.As; the
// failure underneath stays reachable with errors.Is and errors.As through Unwrap.
package hint

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
)

// Error is a failure with hints saying what to do about it, one command or fact
// per hint, for a person to read.
type Error struct {
	Err   error
	Hints []string
	// Code is the exit status a command should end with, zero for its usual
	// failure status: most failures need no other, and a library rarely knows one.
	Code int
}

// Error returns the message, without the hints.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the failure the hints are about.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error from hints and a message formatted as fmt.Errorf does
// (so %w wraps).
func Errorf(hints []string, format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...), Hints: hints}
}

// With attaches hints to err, and returns nil for a nil err so that a caller can
// wrap a result without testing it first.
func With(err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err, Hints: hints}
}

// Input names path in an error opening or reading it, in the words pgcert uses for
// every file it reads: what the file is when it is not a regular file (pgcert
// reads no FIFO, device or socket, which could hang it or feed it without end),
// that it does not exist, or that it may not be read, each with what to do.
func Input(path string, err error) error {
	var nr *fsutil.NotRegularError
	if errors.As(err, &nr) {
		hints := []string{"see what it is: ls -l " + words.ShellWord(path)}
		if nr.Kind == "directory" {
			hints = []string{"give the path of a file, not a directory"}
		}
		return Errorf(hints, "%s is a %s, not a regular file: pgcert reads only regular files", path, nr.Kind)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Errorf([]string{"check the path"}, "%s: no such file", path)
	case errors.Is(err, fs.ErrPermission):
		return Errorf([]string{"run as a user who may read it"}, "%s: permission denied", path)
	}
	return fmt.Errorf("reading %s: %w", path, err)
}

// UsageError is a wrong command line: a flag or an argument that cannot be right
// whatever the files hold. A library returns it when the mistake is in what the
// caller asked for (a --days past 9999, a role given twice), so that the command
// line ends with its usage status (2) and points at --help, as it does for a flag
// it could not parse.
type UsageError struct {
	Err error
	// Command is the command whose --help to point at, "" for the one that ran.
	Command string
	// Hints are printed before the pointer to --help.
	Hints []string
}

// Error returns the message, without the hints.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the mistake the error is about.
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError with a message formatted as fmt.Errorf does.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}
