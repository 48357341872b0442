package cli

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestHelpFiles checks that every command in the tree takes its long text and
// examples from its own file under help/, with the values the Go code holds filled
// in, and that no file is left over for a command that is gone.
func TestHelpFiles(t *testing.T) {
	reasons := make([]string, len(ca.Reasons))
	for i, r := range ca.Reasons {
		reasons[i] = r.String()
	}
	fills := map[string][]string{
		"ca revoke": {"reasons", strings.Join(reasons, ", ")},
		"crl gen":   {"days", fmt.Sprint(crl.DefaultDays)},
		"selfsign":  {"days", fmt.Sprint(selfsign.DefaultServerDays)},
	}
	ios, _, _, _ := iostreams.Test()
	var inTree []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		name := strings.Join(strings.Fields(c.CommandPath())[1:], " ")
		inTree = append(inTree, name)
		if !slices.Contains(help.Commands(), name) {
			t.Errorf("pgcert %s: no help file", name)
		} else {
			if want := help.Long(name, fills[name]...); c.Long != want {
				t.Errorf("pgcert %s: Long is not its help file's:\n%s", name, c.Long)
			}
			if want := help.Example(name); c.Example != want {
				t.Errorf("pgcert %s: Example is not its help file's:\n%s", name, c.Example)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(NewFactory(ios)))
	for _, name := range help.Commands() {
		if !slices.Contains(inTree, name) {
			t.Errorf("help file for %q, which is not a command", name)
		}
	}
}
