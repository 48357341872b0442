package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/spf13/cobra"
)

// TestPGDATADefault runs the commands that need a data directory without -D: with
// $PGDATA set they work on it, as pg_ctl and initdb do; without it they say how to
// give one, and exit 2.
func TestPGDATADefault(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	for _, args := range [][]string{{"check"}, {"renew"}, {"perms", "check"}} {
		f, _, errOut, _ := testFactory(t)
		f.Getenv = func(k string) (string, bool) { return missing, k == "PGDATA" }
		code := runCmd(f, args...)
		if code == cmdutil.ExitOK || !strings.Contains(errOut.String(), missing) {
			t.Errorf("PGDATA=%s pgcert %s: exit %d, stderr %q: the directory of $PGDATA is not the one used", missing, strings.Join(args, " "), code, errOut)
		}
	}
	for _, args := range [][]string{{"check"}, {"renew"}, {"init", "--client", "alice"}} {
		f, _, errOut, _ := testFactory(t)
		code := runCmd(f, args...)
		want := "pgcert: error: give the data directory with -D PGDATA, or set the PGDATA environment variable\npgcert: hint: run 'pgcert " + args[0] + " --help' for usage\n"
		if code != cmdutil.ExitUsage || errOut.String() != want {
			t.Errorf("pgcert %s without PGDATA: exit %d, stderr %q, want 2 and %q", strings.Join(args, " "), code, errOut, want)
		}
	}
}

// TestPGDATAFlagValue checks the value -D gets, command by command, with PGDATA set:
// $PGDATA when -D is not given and the command works on a data directory; -D when it
// is given; nothing when files are the input or -D is one output among others.
func TestPGDATAFlagValue(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "/env/pgdata"},
		{[]string{"check", "-D", "/given"}, "/given"},
		{[]string{"init"}, "/env/pgdata"},
		{[]string{"renew", "--pgdata=/given"}, "/given"},
		{[]string{"perms", "fix"}, "/env/pgdata"},
		{[]string{"perms", "check", "server.key"}, ""},
		{[]string{"perms", "check", "--client"}, ""},
		{[]string{"selfsign", "--key", "server.key", "-o", "server.crt"}, ""},
	} {
		f, _, _, _ := testFactory(t)
		f.Getenv = func(k string) (string, bool) { return "/env/pgdata", k == "PGDATA" }
		root := NewRootCmd(f)
		cmd, rest, err := root.Find(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Fatal(err)
		}
		if err := f.ApplyPGDATA(cmd, cmd.Flags().Args()); err != nil {
			t.Errorf("%v: %v", tc.args, err)
		}
		if got := cmd.Flags().Lookup("pgdata").Value.String(); got != tc.want {
			t.Errorf("PGDATA=/env/pgdata pgcert %s: -D is %q, want %q", strings.Join(tc.args, " "), got, tc.want)
		}
	}
}

// TestPGDATAUsesComplete makes sure a command given a -D flag is also told whether
// it reads $PGDATA, and that the help of those that do says so.
func TestPGDATAUsesComplete(t *testing.T) {
	root := newParseRoot()
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if fl := c.LocalFlags().Lookup("pgdata"); fl != nil {
			key := cmdutil.CommandKey(c)
			seen[key] = true
			use, ok := cmdutil.PGDATAUses[key]
			if !ok {
				t.Errorf("pgcert %s has -D but is not in pgdataUses", key)
			}
			if says := strings.HasSuffix(fl.Usage, cmdutil.PGDATAEnvNote); says != (use == cmdutil.PGDATANeeded || use == cmdutil.PGDATAOrFiles) {
				t.Errorf("pgcert %s: -D help %q", key, fl.Usage)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for key := range cmdutil.PGDATAUses {
		if !seen[key] {
			t.Errorf("pgdataUses names pgcert %s, which has no -D", key)
		}
	}
}
