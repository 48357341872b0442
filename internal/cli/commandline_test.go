package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pgcert/pgcert/internal/iostreams"
)

// shellWords splits a documented command line as sh would, far enough for pgcert's
// docs: quotes, backslash escapes, and the end of the command at an unquoted #
// comment, |, ;, && or redirection.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(string(rs[i+1 : j]))
			inWord, i = true, j
		case r == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				cur.WriteRune(rs[j])
			}
			if j == len(rs) {
				return nil, errors.New("unterminated double quote")
			}
			inWord, i = true, j
		case r == '\\' && i+1 < len(rs):
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case unicode.IsSpace(r):
			flush()
		case r == '#' && !inWord, r == '|', r == ';', r == '&', r == '>', r == '<':
			flush()
			return words, nil
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words, nil
}

// pgcertArgs finds the pgcert invocation in a documented line ("$ pgcert ...",
// "sudo pgcert ...", "PGCERT_PASS=... pgcert ...", "go run ./cmd/pgcert ...") and
// returns its arguments; ok is false when the line runs no pgcert.
func pgcertArgs(line string) (args []string, ok bool, err error) {
	words, err := shellWords(strings.TrimPrefix(strings.TrimSpace(line), "$ "))
	if err != nil {
		return nil, false, err
	}
	for len(words) > 0 {
		w := words[0]
		switch {
		case w == "sudo", strings.Contains(w, "=") && !strings.HasPrefix(w, "-"):
			words = words[1:]
		case w == "go" && len(words) > 2 && words[1] == "run" && strings.HasSuffix(words[2], "cmd/pgcert"):
			return words[3:], true, nil
		case w == "pgcert":
			return words[1:], true, nil
		default:
			return nil, false, nil
		}
	}
	return nil, false, nil
}

// newParseRoot returns the command tree with what Execute adds before it runs
// anything: the help and completion commands and the version flag.
func newParseRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	root := NewRootCmd(NewFactory(ios))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()
	return root
}

// parseCommandLine checks that args name an existing pgcert command with flags it
// has, positional arguments it accepts and its required flags, the way Execute
// would, without running anything.
func parseCommandLine(args []string) error {
	cmd, rest, err := newParseRoot().Find(args)
	if err != nil {
		return err
	}
	if err := cmd.ParseFlags(rest); errors.Is(err, pflag.ErrHelp) {
		return nil
	} else if err != nil {
		return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
	}
	return nil
}

// checkNames checks the command and flag names of a command line that prose
// mentions rather than shows whole ("pgcert init --configure", "pgcert crl gen
// --index"): the command exists and has every flag named, whatever the arguments.
func checkNames(args []string) error {
	cmd, rest, err := newParseRoot().Find(args)
	if err != nil {
		return err
	}
	for _, a := range rest {
		switch {
		case a == "--" || a == "-":
			continue
		case strings.HasPrefix(a, "--"):
			name, _, _ := strings.Cut(a[2:], "=")
			if cmd.Flags().Lookup(name) == nil && cmd.InheritedFlags().Lookup(name) == nil {
				return fmt.Errorf("%s: unknown flag --%s", cmd.CommandPath(), name)
			}
		case strings.HasPrefix(a, "-"):
			for _, c := range a[1:2] {
				if cmd.Flags().ShorthandLookup(string(c)) == nil && cmd.InheritedFlags().ShorthandLookup(string(c)) == nil {
					return fmt.Errorf("%s: unknown shorthand flag -%c", cmd.CommandPath(), c)
				}
			}
		case cmd.HasSubCommands():
			return fmt.Errorf("%s: unknown command %q", cmd.CommandPath(), a)
		}
	}
	return nil
}

func TestParseCommandLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool // the line runs pgcert
		err  string
	}{
		{`pgcert key new --type rsa -o "my key.pem"   # a comment`, true, ""},
		{`$ sudo PGCERT_PASS=x pgcert init -D /tmp/pgdata --client alice`, true, ""},
		{`go run ./cmd/pgcert init -D /tmp/pgdata --ca-dir /tmp/pgcert-ca --client alice`, true, ""},
		{`pgcert selfsign -D "$PGDATA" | tee -a postgresql.conf`, true, ""},
		{`pgcert ca revoke --cert alice.crt --reason keyCompromise`, true, ""},
		{`pgcert init --help`, true, ""},
		{`psql "host=db sslmode=verify-full"`, false, ""},
		{`# pgcert init -D x`, false, ""},
		{`pgcert key new --no-such-flag`, true, "unknown flag: --no-such-flag"},
		{`pgcert no-such-command`, true, "unknown command"},
		{`pgcert ca issue client`, true, `required flag(s) "user" not set`},
		{`pgcert key strip`, true, "want the encrypted key file IN"},
		{`pgcert init --client alice`, true, `required flag(s) "pgdata" not set`},
		{`pgcert key new 'unterminated`, false, "unterminated single quote"},
	} {
		args, ok, err := pgcertArgs(tc.line)
		if err == nil && ok {
			err = parseCommandLine(args)
		}
		if ok != tc.ok {
			t.Errorf("%s: runs pgcert %v, want %v", tc.line, ok, tc.ok)
		}
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: error %v, want %q", tc.line, err, tc.err)
		}
	}
}
