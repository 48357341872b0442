// Package cmdutil is what pgcert's commands share, so that each command file in
// internal/cli is only its flags, its prompts, one library call and its rendering:
// the Factory (streams, prompts, the clock, randomness, the environment, the host
// name — each replaceable by tests), reading the files and passphrases a command
// line names (never a FIFO, never more than a bound, never a prompt without a
// terminal), opening and unlocking a CA for a command, the flags many commands
// define alike, -D and $PGDATA, errors with hints and exit codes, and the
// suggestions for a mistyped command. It decides nothing about certificates or
// servers: that is pkg/'s.
package cmdutil

import (
	"crypto/rand"
	"io"
	"os"
	"time"

	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/internal/prompt"
)

// GlobalOptions are the flags every command shares.
type GlobalOptions struct {
	JSON    bool
	NoColor bool
	NoInput bool
	Quiet   bool
}

// Factory carries what commands need from the outside world, so that tests can
// replace each piece: streams, prompts, the clock, randomness, the environment and
// the host name.
type Factory struct {
	IO       *iostreams.IOStreams
	Global   GlobalOptions
	Prompter func() (prompt.Prompter, error)
	Now      func() time.Time
	Rand     io.Reader
	Getenv   func(string) (string, bool)
	Hostname func() (string, error)
}

// NewFactory returns the Factory of a real process on ios.
func NewFactory(ios *iostreams.IOStreams) *Factory {
	f := &Factory{
		IO:       ios,
		Now:      time.Now,
		Rand:     rand.Reader,
		Getenv:   os.LookupEnv,
		Hostname: fqdn,
	}
	f.Prompter = func() (prompt.Prompter, error) {
		tty, err := ios.TTY()
		if err != nil {
			return nil, err
		}
		return prompt.NewTerminal(tty), nil
	}
	return f
}

// Asker returns the Prompter when questions may be asked, or nil when they may
// not (no terminal, --no-input, PGCERT_NO_INPUT): callers then fall back to defaults
// or fail with a hint, never wait.
func (f *Factory) Asker() prompt.Prompter {
	if !f.IO.CanPrompt() {
		return nil
	}
	p, err := f.Prompter()
	if err != nil {
		return nil
	}
	return p
}
