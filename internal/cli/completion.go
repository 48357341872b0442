package cli

import "github.com/spf13/cobra"

// fixedCompletion completes a flag from a fixed list of values.
func fixedCompletion(values ...string) cobra.CompletionFunc {
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
	certFiles = fileCompletion("crt", "pem", "der", "cer")
	keyFiles  = fileCompletion("key", "pem", "der")
	reqFiles  = fileCompletion("req", "csr", "pem", "der")
	crlFiles  = fileCompletion("crl", "pem", "der")
	// pkiFiles is for commands that take any of them, recognised by content.
	pkiFiles = fileCompletion("crt", "key", "req", "csr", "crl", "pem", "der", "cer")
)

// completeNoFilesByDefault makes every command that completes no positional
// argument of its own offer nothing, instead of the shell's default of every file in
// the directory: pgcert init takes no file argument, and `pgcert ca revoke <TAB>`
// wants a serial number. Commands with subcommands keep cobra's completion of their
// subcommand names.
func completeNoFilesByDefault(cmd *cobra.Command) {
	if !cmd.HasSubCommands() && cmd.ValidArgsFunction == nil && len(cmd.ValidArgs) == 0 {
		cmd.ValidArgsFunction = cobra.NoFileCompletions
	}
	for _, c := range cmd.Commands() {
		completeNoFilesByDefault(c)
	}
}

// describeBuiltins gives the help and completion commands cobra adds the help every
// other command has: a lower-case summary, what the command is for, the exit codes
// and examples to paste. Their behaviour stays cobra's.
func describeBuiltins(root *cobra.Command) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = "show the help of any command"
			c.Long = `Show the help of a command: what it does, its flags and examples. The same as the
command's --help.

Exit codes: 0 success; 2 bad usage.`
			c.Example = `  pgcert help init
  pgcert help ca issue`
		case "completion":
			c.Short = "print the shell completion script for bash, zsh, fish or powershell"
			c.Long = `Print a script that teaches a shell to complete pgcert's commands, flags, key
types, curves and sizes, profiles, revocation reasons, sslmodes, directories for -D and
--ca-dir, and files by extension (.crt, .key, .req, .csr, .crl, .pem, .der). The same
scripts are in completions/ of the source tree.

Exit codes: 0 success; 2 bad usage.`
			c.Example = `  # bash, for every new shell (needs the bash-completion package)
  pgcert completion bash > /etc/bash_completion.d/pgcert

  # zsh, into the first directory of $fpath
  pgcert completion zsh > "${fpath[1]}/_pgcert"

  # fish
  pgcert completion fish > ~/.config/fish/completions/pgcert.fish`
			for _, sh := range c.Commands() {
				describeCompletion(sh)
			}
		}
	}
}

// completionHelp is the help of each shell's completion command: where its script goes.
var completionHelp = map[string]struct{ long, example string }{
	"bash": {`The script needs the bash-completion package (apt install bash-completion, dnf
install bash-completion). Load it into the current shell with
source <(pgcert completion bash), or install it for every new shell as below.`,
		`  # every new shell
  pgcert completion bash > /etc/bash_completion.d/pgcert

  # without descriptions
  pgcert completion bash --no-descriptions > /etc/bash_completion.d/pgcert`},
	"zsh": {`zsh loads completion functions named _pgcert from the directories of $fpath when
compinit runs; put "autoload -U compinit; compinit" in ~/.zshrc if it is not there.`,
		`  pgcert completion zsh > "${fpath[1]}/_pgcert"

  # macOS with Homebrew
  pgcert completion zsh > "$(brew --prefix)/share/zsh/site-functions/_pgcert"`},
	"fish": {`fish loads completions from ~/.config/fish/completions when a command is first
completed.`,
		`  pgcert completion fish > ~/.config/fish/completions/pgcert.fish`},
	"powershell": {`Load the script in the current session by piping it to Out-String | Invoke-Expression,
or add that line to your PowerShell profile for every session.`,
		`  pgcert completion powershell | Out-String | Invoke-Expression
  pgcert completion powershell > pgcert.ps1`},
}

// describeCompletion rewrites the help of one shell's completion command.
func describeCompletion(c *cobra.Command) {
	h, ok := completionHelp[c.Name()]
	if !ok {
		return
	}
	c.Short = "print the " + c.Name() + " completion script"
	c.Long = h.long + "\n\nExit codes: 0 success; 2 bad usage."
	c.Example = h.example
}
