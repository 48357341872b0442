package cli

import (
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
)

// TestMistypedCommandSuggests runs mistyped command lines and checks the whole of
// what pgcert says: the unknown word (never a flag of the wrong command), the
// commands meant, each with a command line to paste, and exit code 2.
func TestMistypedCommandSuggests(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chek"}, `pgcert: error: unknown command "chek"
pgcert: hint: did you mean check? run: pgcert check
pgcert: hint: run 'pgcert --help' for usage
`},
		// The flag belongs to the command meant: it must not hide the command's name.
		{[]string{"chek", "-D", "/srv/pg data"}, `pgcert: error: unknown command "chek"
pgcert: hint: did you mean check? run: pgcert check -D '/srv/pg data'
pgcert: hint: run 'pgcert --help' for usage
`},
		{[]string{"--json", "chek", "--strict"}, `pgcert: error: unknown command "chek"
pgcert: hint: did you mean check? run: pgcert --json check --strict
pgcert: hint: run 'pgcert --help' for usage
`},
		// A sub-command of a group, named at the top level.
		{[]string{"revoke", "--cert", "alice.crt"}, `pgcert: error: unknown command "revoke"
pgcert: hint: did you mean ca revoke? run: pgcert ca revoke --cert alice.crt
pgcert: hint: run 'pgcert --help' for usage
`},
		// ca revoke wants a serial or --cert: a line that would not parse is not offered.
		{[]string{"revoke"}, `pgcert: error: unknown command "revoke"
pgcert: hint: did you mean ca revoke? run: pgcert ca revoke --help
pgcert: hint: run 'pgcert --help' for usage
`},
		{[]string{"ca", "revok", "--cert", "alice.crt"}, `pgcert: error: unknown command "revok" for "pgcert ca"
pgcert: hint: did you mean revoke? run: pgcert ca revoke --cert alice.crt
pgcert: hint: run 'pgcert ca --help' for usage
`},
		{[]string{"help", "ca", "revok"}, `pgcert: error: unknown command "revok" for "pgcert ca"
pgcert: hint: did you mean revoke? run: pgcert help ca revoke
pgcert: hint: run 'pgcert ca --help' for usage
`},
		{[]string{"lst"}, `pgcert: error: unknown command "lst"
pgcert: hint: did you mean ca list? run: pgcert ca list
pgcert: hint: run 'pgcert --help' for usage
`},
		// A flag the command meant does not have: its help, not a line that fails.
		{[]string{"chek", "--no-such-flag"}, `pgcert: error: unknown command "chek"
pgcert: hint: did you mean check? run: pgcert check --help
pgcert: hint: run 'pgcert --help' for usage
`},
		// A passphrase on the command line is not repeated.
		{[]string{"kye", "strip", "--passin", "pass:secret", "k.pem"}, `pgcert: error: unknown command "kye"
pgcert: hint: did you mean key? run: pgcert key --help
pgcert: hint: run 'pgcert --help' for usage
`},
		{[]string{"xyzzy"}, `pgcert: error: unknown command "xyzzy"
pgcert: hint: run 'pgcert --help' for usage
`},
		// A long word is cut, not echoed whole.
		{[]string{strings.Repeat("x", 100000)}, `pgcert: error: unknown command "` + strings.Repeat("x", 40) + `…"
pgcert: hint: run 'pgcert --help' for usage
`},
	} {
		ios, _, out, errOut := iostreams.Test()
		code := Main(tc.args, ios)
		if code != cmdutil.ExitUsage || out.Len() != 0 || errOut.String() != tc.want {
			t.Errorf("pgcert %s: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
}

func TestSuggestedLinesRun(t *testing.T) {
	// What the hints offer is a real command line: the same check the README's
	// command lines pass.
	for _, line := range []string{"pgcert check -D '/srv/pg data'", "pgcert ca revoke --cert alice.crt", "pgcert ca list"} {
		args, _, err := pgcertArgs(line)
		if err == nil {
			err = parseCommandLine(args)
		}
		if err != nil {
			t.Errorf("%s: %v", line, err)
		}
	}
}

func TestKnownCommandsAreNotSuggested(t *testing.T) {
	root := newParseRoot()
	for _, args := range [][]string{
		{"check", "-D", "x"},
		{"ca", "issue", "server", "--host", "db"},
		{"--quiet", "ca", "list"},
		{"help", "check"},
		{"help"},
		{"ca"},
		{"--version"},
		{"verify", "--host", "revoke", "server.crt"},
	} {
		if err := cmdutil.UnknownCommand(root, args, newParseRoot); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}
