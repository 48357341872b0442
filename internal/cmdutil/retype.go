package cmdutil

import (
	"strings"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// RetypedCommand is the command line that ran cmd, rebuilt from the flags given,
// with extra appended: the command of a hint that reruns it with one more flag
// (init --configure ... --allow-outside FILE). A pass: passphrase is left out, not
// echoed: the command asks for it instead.
func RetypedCommand(cmd *cobra.Command, args []string, extra ...string) string {
	parts := []string{cmd.CommandPath()}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		name := "--" + fl.Name
		switch v := fl.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				parts = append(parts, name, words.ShellWord(s))
			}
			return
		}
		val := fl.Value.String()
		switch {
		case fl.Value.Type() == "bool" && val == "true":
			parts = append(parts, name)
		case fl.Value.Type() == "bool":
			parts = append(parts, name+"=false")
		case strings.HasPrefix(val, "pass:"):
		default:
			parts = append(parts, name, words.ShellWord(val))
		}
	})
	for _, a := range args {
		parts = append(parts, words.ShellWord(a))
	}
	return strings.Join(append(parts, extra...), " ")
}
