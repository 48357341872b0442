// Package cli is pgcert's command tree: one file per command, each parsing its
// flags into options, gathering inputs (prompting only at a terminal), calling the
// pkg/ libraries and rendering text or JSON. What the commands share (the Factory,
// reading inputs and passphrases, errors and exit codes, common flags) is
// internal/cmdutil.
package cli

import (
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
)

// Factory is cmdutil's, with the methods several commands of this package share.
type Factory struct{ *cmdutil.Factory }

// NewFactory returns the Factory of a real process on ios.
func NewFactory(ios *iostreams.IOStreams) *Factory { return &Factory{cmdutil.NewFactory(ios)} }
