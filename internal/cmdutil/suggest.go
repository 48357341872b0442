package cmdutil

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// maxSuggestedLine bounds the corrected command line a hint repeats: past it the
// hint names the command's --help instead of echoing a long line back.
const maxSuggestedLine = 200

// UnknownCommand finds a word of args that stands where a command name is wanted and
// names none, and returns a usage error that says so with the commands that were
// probably meant. It looks before any flag is parsed, so that `pgcert chek -D x`
// is reported as the unknown command it is, not as an unknown flag -D of pgcert.
// newRoot builds a fresh command tree to try the corrected command lines on.
func UnknownCommand(root *cobra.Command, args []string, newRoot func() *cobra.Command) error {
	// The shell's completion requests go to a command cobra adds only when it runs.
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return nil
	}
	cmd, at := root, -1
	for i := 0; i < len(args); i++ {
		j := firstPositional(cmd, args[i:])
		if j < 0 {
			return nil
		}
		i += j
		// `pgcert help chek` names its topic as `pgcert chek` would.
		if args[i] == "help" && cmd == root {
			continue
		}
		sub := subcommand(cmd, args[i])
		if sub == nil {
			at = i
			break
		}
		cmd = sub
	}
	if at < 0 || !cmd.HasAvailableSubCommands() {
		return nil
	}
	word := args[at]
	msg := fmt.Errorf("unknown command %q for %q", shortWord(word), cmd.CommandPath())
	if !cmd.HasParent() {
		msg = fmt.Errorf("unknown command %q", shortWord(word))
	}
	usage := &hint.UsageError{Err: msg, Command: cmd.CommandPath()}
	for _, s := range suggestCommands(cmd, word) {
		rel := strings.Fields(strings.TrimPrefix(s.CommandPath(), cmd.CommandPath()+" "))
		usage.Hints = append(usage.Hints, fmt.Sprintf("did you mean %s? run: %s", strings.Join(rel, " "), correctedLine(args, at, rel, s, newRoot)))
	}
	return usage
}

// maxEchoedWord bounds how much of an unknown word the error repeats: a file's
// contents pasted by mistake are not worth echoing back.
const maxEchoedWord = 40

// shortWord is word, or its first maxEchoedWord runes and "…" when it is longer.
func shortWord(word string) string {
	if r := []rune(word); len(r) > maxEchoedWord {
		return string(r[:maxEchoedWord]) + "…"
	}
	return word
}

// subcommand returns the sub-command of cmd called name, or nil.
func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}

// firstPositional returns the index in args of the first word that is neither a flag
// of cmd nor a flag's value, as cobra itself tells them apart when it looks for a
// command name, or -1.
func firstPositional(cmd *cobra.Command, args []string) int {
	takesValue := func(f *pflag.Flag) bool { return f == nil || f.NoOptDefVal == "" }
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return i + 1
			}
			return -1
		case strings.HasPrefix(a, "--"):
			if !strings.Contains(a, "=") && takesValue(lookupFlag(cmd, a[2:])) {
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if len(a) == 2 && takesValue(lookupShorthand(cmd, a[1:])) {
				i++
			}
		default:
			return i
		}
	}
	return -1
}

func lookupFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	return cmd.InheritedFlags().Lookup(name)
}

func lookupShorthand(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().ShorthandLookup(name); f != nil {
		return f
	}
	return cmd.InheritedFlags().ShorthandLookup(name)
}

// suggestCommands returns the commands under cmd that word probably meant: the
// sub-commands of any depth named exactly word (`pgcert revoke` is `pgcert ca
// revoke`); else cmd's own sub-commands whose name is within two typing mistakes of
// word or starts with it (`pgcert chek` is `pgcert check`, not also `pgcert perms
// check`); else deeper ones within one mistake (`pgcert lst` is `pgcert ca list`).
func suggestCommands(cmd *cobra.Command, word string) []*cobra.Command {
	var exact, near, deep []*cobra.Command
	var walk func(c *cobra.Command, depth int)
	walk = func(c *cobra.Command, depth int) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() {
				continue
			}
			// Deeper down, where there are more names to come near by chance, only
			// one mistake is forgiven.
			mistakes := 2
			if depth > 0 {
				mistakes = 1
			}
			switch names := append([]string{sub.Name()}, sub.Aliases...); {
			case anyName(names, func(n string) bool { return n == word }):
				exact = append(exact, sub)
			case !anyName(names, func(n string) bool { return mistyped(n, word, mistakes) }):
			case depth == 0:
				near = append(near, sub)
			default:
				deep = append(deep, sub)
			}
			walk(sub, depth+1)
		}
	}
	walk(cmd, 0)
	switch {
	case len(exact) > 0:
		return exact
	case len(near) > 0:
		return near
	}
	return deep
}

func anyName(names []string, match func(string) bool) bool {
	for _, n := range names {
		if match(n) {
			return true
		}
	}
	return false
}

// mistyped reports whether word is name with at most n letters wrong, missing or
// added, or the start of name: the suggestions cobra makes (with n = 2), over the
// whole tree.
func mistyped(name, word string, n int) bool {
	if len(word) > 1 && strings.HasPrefix(name, word) {
		return true
	}
	// The distance is at least the difference in length: a long word is not
	// compared letter by letter with every name.
	if lw, ln := utf8.RuneCountInString(word), utf8.RuneCountInString(name); lw > ln+n || ln > lw+n {
		return false
	}
	return editDistance(strings.ToLower(name), strings.ToLower(word)) <= n
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// correctedLine is args with the word at index at replaced by rel, the path of s
// from the command the word was given to, as a command line to paste. It is shown
// whole when it parses (its flags exist on s and its arguments suit s); otherwise,
// or when it is long or holds a passphrase given as pass:, the hint is s's --help.
func correctedLine(args []string, at int, rel []string, s *cobra.Command, newRoot func() *cobra.Command) string {
	var fixed []string
	fixed = append(fixed, args[:at]...)
	fixed = append(fixed, rel...)
	fixed = append(fixed, args[at+1:]...)
	cmdline := []string{"pgcert"}
	secret := false
	for _, a := range fixed {
		cmdline = append(cmdline, words.ShellWord(a))
		secret = secret || strings.Contains(a, "pass:")
	}
	line := strings.Join(cmdline, " ")
	if secret || len(line) > maxSuggestedLine || !parses(newRoot(), fixed) {
		return s.CommandPath() + " --help"
	}
	return line
}

// parses reports whether args are a command line root would run: a command, its
// flags, the positional arguments it accepts and its required flags.
func parses(root *cobra.Command, args []string) bool {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	cmd, rest, err := root.Find(args)
	if err != nil || cmd.ParseFlags(rest) != nil {
		return false
	}
	return cmd.ValidateArgs(cmd.Flags().Args()) == nil && cmd.ValidateRequiredFlags() == nil
}
