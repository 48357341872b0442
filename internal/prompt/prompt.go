// Package prompt asks a person at a terminal for answers: forms through survey, and
// passphrases through golang.org/x/term so that they are never echoed. Commands depend
// on the Prompter interface; tests use Fake.
package prompt

import (
	"errors"
)

// ErrInterrupted is returned when the person pressed Ctrl-C at a prompt. The CLI
// exits with status 130 for it, as shells do for SIGINT.
var ErrInterrupted = errors.New("interrupted")

// ErrNoAnswer is returned when the terminal closed (Ctrl-D, EOF) before an answer.
var ErrNoAnswer = errors.New("no answer given (end of input)")

// Prompter asks questions. Every method returns ErrInterrupted or ErrNoAnswer when
// the person gave up instead of answering.
type Prompter interface {
	// Input asks for a line of text; an empty answer takes defaultValue.
	Input(message, defaultValue string) (string, error)
	// Select asks for one of options; defaultValue must be one of them.
	Select(message, defaultValue string, options []string) (string, error)
	// Confirm asks a yes/no question.
	Confirm(message string, defaultValue bool) (bool, error)
	// Password asks for a secret without echoing it.
	Password(message string) (string, error)
}
