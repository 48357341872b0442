package cli

import (
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
)

// TestEveryCommandHasHelp runs --help on every command and checks it has what a
// person needs: a one-line summary, a description that states the exit codes, and
// an EXAMPLES section with real invocations.
func TestEveryCommandHasHelp(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var walk func(c *cobra.Command)
	var paths [][]string
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		paths = append(paths, strings.Fields(c.CommandPath())[1:])
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(NewFactory(ios)))
	if len(paths) < 2 {
		t.Fatalf("found only %d commands", len(paths))
	}
	for _, p := range paths {
		name := strings.Join(append([]string{"pgcert"}, p...), " ")
		t.Run(name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			if code := Main(append(append([]string{}, p...), "--help"), ios); code != cmdutil.ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			help := out.String()
			for _, want := range []string{"Usage:", "Examples:", "Exit codes"} {
				if !strings.Contains(help, want) {
					t.Errorf("%s --help has no %q section", name, want)
				}
			}
			first := strings.SplitN(strings.TrimSpace(help), "\n", 2)[0]
			if first == "" {
				t.Errorf("%s --help starts with an empty line", name)
			}
		})
	}
}

// TestHelpTextShape checks what every command's help says and how: a one-line
// summary in lower case without a period, the exit codes in the description, and
// examples that are real invocations — each pgcert line parses, with commands and
// flags that exist — which show the openssl commands they replace.
func TestHelpTextShape(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		name := c.CommandPath()
		short := c.Short
		switch {
		case short == "" || strings.Contains(short, "\n"):
			t.Errorf("%s: Short %q is not one line", name, short)
		case strings.HasSuffix(short, "."):
			t.Errorf("%s: Short %q ends with a period", name, short)
		case unicode.IsUpper([]rune(short)[0]) && !unicode.IsUpper([]rune(short + " ")[1]):
			t.Errorf("%s: Short %q does not start in lower case", name, short)
		}
		if !strings.Contains(c.Long, "Exit codes:") {
			t.Errorf("%s: Long has no \"Exit codes:\" paragraph", name)
		}
		// The help and completion commands replace no openssl command.
		builtin := c.Name() == "help" || c.Name() == "completion" || c.HasParent() && c.Parent().Name() == "completion"
		if c.Runnable() && !c.HasSubCommands() && c.HasParent() && !builtin && !strings.Contains(c.Example, "instead of") {
			t.Errorf("%s: Example shows no \"# instead of: ...\" line for the openssl (or shell) commands it replaces", name)
		}
		invocations := 0
		for _, line := range strings.Split(c.Example, "\n") {
			args, ok, err := pgcertArgs(line)
			if err != nil {
				t.Errorf("%s: example %q: %v", name, line, err)
				continue
			}
			if !ok {
				continue
			}
			invocations++
			if err := parseCommandLine(args); err != nil {
				t.Errorf("%s: example %q does not parse: %v", name, strings.TrimSpace(line), err)
			}
		}
		if invocations == 0 {
			t.Errorf("%s: Example has no pgcert invocation", name)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(NewFactory(ios)))
}

// TestSubcommandsListedUnderCommands checks that every command with sub-commands
// lists them under the heading the top level uses.
func TestSubcommandsListedUnderCommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"ca", "--help"}, {"key", "--help"}, {"crl", "--help"}, {"perms", "--help"}, {"completion", "--help"}} {
		ios, _, out, _ := iostreams.Test()
		if code := Main(args, ios); code != cmdutil.ExitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		if !strings.Contains(out.String(), "\nCommands:\n") || strings.Contains(out.String(), "Available Commands") {
			t.Errorf("pgcert %s:\n%s", strings.Join(args, " "), out)
		}
	}
}
