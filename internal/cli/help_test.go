package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

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
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" || c.HasParent() && c.Parent().Name() == "completion" {
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
			if code := Main(append(append([]string{}, p...), "--help"), ios); code != ExitOK {
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
