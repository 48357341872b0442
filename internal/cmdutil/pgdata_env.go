package cmdutil

import (
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/spf13/cobra"
)

// pgdataUse says how a command treats its -D (--pgdata) flag when it is not given.
type pgdataUse int

const (
	// PGDATANeeded: the command works on a data directory and has no other input;
	// -D defaults to $PGDATA, and without either the command stops at once.
	PGDATANeeded pgdataUse = iota + 1
	// PGDATAOrFiles: the command works on a data directory or on files given as
	// arguments; -D defaults to $PGDATA only when no file (and no --client) is given.
	PGDATAOrFiles
	// pgdataOutput: -D is one destination among others (selfsign writes into the
	// data directory, or to -o files): a $PGDATA left in the environment must not
	// redirect the output, so it is never read.
	pgdataOutput
	// pgdataCA: -D only finds the CA the data directory records (ca revoke, crl
	// gen, ca issue); $PGDATA is never read, so that the environment never chooses
	// which CA signs or revokes.
	pgdataCA
)

// PGDATAUses lists every command that has a -D flag, by its path under pgcert. A
// test fails when a command with the flag is missing here.
var PGDATAUses = map[string]pgdataUse{
	"init":        PGDATANeeded,
	"check":       PGDATANeeded,
	"renew":       PGDATANeeded,
	"perms check": PGDATAOrFiles,
	"perms fix":   PGDATAOrFiles,
	"selfsign":    pgdataOutput,

	"ca revoke":       pgdataCA,
	"crl gen":         pgdataCA,
	"ca issue server": pgdataCA,
	"ca issue client": pgdataCA,
}

// PGDATAEnvNote ends the help of a -D flag that takes $PGDATA.
const PGDATAEnvNote = " (default: $PGDATA)"

// CommandKey is cmd's path without the leading "pgcert ".
func CommandKey(cmd *cobra.Command) string {
	path := cmd.CommandPath()
	if cmd.Root() != nil && path != cmd.Root().Name() {
		return path[len(cmd.Root().Name())+1:]
	}
	return ""
}

// NotePGDATAInHelp adds PGDATAEnvNote to the -D help of every command that reads
// $PGDATA, so that --help, the man pages and completion descriptions say so.
func NotePGDATAInHelp(cmd *cobra.Command) {
	if fl := cmd.LocalFlags().Lookup("pgdata"); fl != nil {
		if use := PGDATAUses[CommandKey(cmd)]; use == PGDATANeeded || use == PGDATAOrFiles {
			fl.Usage += PGDATAEnvNote
		}
	}
	for _, c := range cmd.Commands() {
		NotePGDATAInHelp(c)
	}
}

// ApplyPGDATA gives -D the value of $PGDATA when the command reads it and -D was not
// given, as pg_ctl and initdb do; a command that needs a data directory and has
// neither stops with a usage error that names both ways to give one.
func (f *Factory) ApplyPGDATA(cmd *cobra.Command, args []string) error {
	fl := cmd.Flags().Lookup("pgdata")
	if fl == nil || fl.Changed {
		return nil
	}
	use := PGDATAUses[CommandKey(cmd)]
	switch use {
	case PGDATAOrFiles:
		if client := cmd.Flags().Lookup("client"); len(args) > 0 || client != nil && client.Changed {
			return nil
		}
	case PGDATANeeded:
	default:
		return nil
	}
	if dir, ok := f.Getenv("PGDATA"); ok && dir != "" {
		return cmd.Flags().Set("pgdata", dir)
	}
	if use == PGDATANeeded {
		return &hint.UsageError{Err: errNoDataDir, Command: cmd.CommandPath()}
	}
	return nil
}
