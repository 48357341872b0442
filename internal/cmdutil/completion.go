package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
)

// FixedCompletion completes a flag from a fixed list of values.
func FixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// fileCompletion completes file names ending in one of exts (without the dot), and
// directories on the way to them.
func fileCompletion(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// The extensions each kind of input goes by. PEM files are .pem as often as anything
// else, and pgcert reads DER wherever openssl does, so both are offered everywhere.
var (
	CertFiles = fileCompletion("crt", "pem", "der", "cer")
	KeyFiles  = fileCompletion("key", "pem", "der")
	ReqFiles  = fileCompletion("req", "csr", "pem", "der")
	CrlFiles  = fileCompletion("crl", "pem", "der")
	// PkiFiles is for commands that take any of them, recognised by content.
	PkiFiles = fileCompletion("crt", "key", "req", "csr", "crl", "pem", "der", "cer")
)

// CompleteNoFilesByDefault makes every command that completes no positional
// argument of its own offer nothing, instead of the shell's default of every file in
// the directory: pgcert init takes no file argument, and `pgcert ca revoke <TAB>`
// wants a serial number. Commands with subcommands keep cobra's completion of their
// subcommand names.
func CompleteNoFilesByDefault(cmd *cobra.Command) {
	if !cmd.HasSubCommands() && cmd.ValidArgsFunction == nil && len(cmd.ValidArgs) == 0 {
		cmd.ValidArgsFunction = cobra.NoFileCompletions
	}
	for _, c := range cmd.Commands() {
		CompleteNoFilesByDefault(c)
	}
}

// DescribeBuiltins gives the help and completion commands cobra adds the help every
// other command has: a lower-case summary, what the command is for, the exit codes
// and examples to paste. Their behaviour stays cobra's.
func DescribeBuiltins(root *cobra.Command) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = "show the help of any command"
			c.Long, c.Example = help.Long("help"), help.Example("help")
		case "completion":
			c.Short = "print the shell completion script for bash, zsh, fish or powershell"
			c.Long, c.Example = help.Long("completion"), help.Example("completion")
			for _, sh := range c.Commands() {
				describeCompletion(sh)
			}
		}
	}
}

// describeCompletion rewrites the help of one shell's completion command.
func describeCompletion(c *cobra.Command) {
	name := "completion " + c.Name()
	c.Short = "print the " + c.Name() + " completion script"
	c.Long, c.Example = help.Long(name), help.Example(name)
}
