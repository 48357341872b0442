// Package cli wires pgcert's commands: it parses flags, gathers inputs (prompting
// only at a terminal), calls the pkg/ libraries and writes files through fsutil. It
// holds no cryptography of its own.
package cli

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

// prompter returns the Prompter when questions may be asked, or nil when they may
// not (no terminal, --no-input, PGCERT_NO_INPUT): callers then fall back to defaults
// or fail with a hint, never wait.
func (f *Factory) prompter() prompt.Prompter {
	if !f.IO.CanPrompt() {
		return nil
	}
	p, err := f.Prompter()
	if err != nil {
		return nil
	}
	return p
}
