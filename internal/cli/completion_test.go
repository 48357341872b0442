package cli

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/pkg/ca"
)

// complete runs cobra's hidden __complete command, as the shell scripts in
// completions/ do on <TAB>, and returns the candidates and the directive.
func complete(t *testing.T, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	if code := Main(append([]string{cobra.ShellCompRequestCmd}, args...), ios); code != cmdutil.ExitOK {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, ":") {
		t.Fatalf("__complete %q: no directive in %q", args, out)
	}
	d, err := strconv.Atoi(last[1:])
	if err != nil {
		t.Fatalf("__complete %q: directive %q", args, last)
	}
	var values []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		values = append(values, v)
	}
	return values, cobra.ShellCompDirective(d)
}

func TestCompletion(t *testing.T) {
	var reasons []string
	for _, r := range ca.Reasons {
		reasons = append(reasons, r.String())
	}
	const (
		fixed = cobra.ShellCompDirectiveNoFileComp
		ext   = cobra.ShellCompDirectiveFilterFileExt
		dirs  = cobra.ShellCompDirectiveFilterDirs
	)
	for _, tc := range []struct {
		args      []string
		want      []string // every one of these, in any order; nil: no candidates
		directive cobra.ShellCompDirective
	}{
		// enumerations
		{[]string{"key", "new", "--type", ""}, []string{"ec", "rsa", "ed25519"}, fixed},
		{[]string{"key", "new", "--curve", ""}, []string{"P-256", "P-384"}, fixed},
		{[]string{"key", "new", "--bits", ""}, []string{"2048", "3072", "4096"}, fixed},
		{[]string{"req", "--type", ""}, []string{"ec", "rsa", "ed25519"}, fixed},
		{[]string{"selfsign", "--curve", ""}, []string{"P-256", "P-384"}, fixed},
		{[]string{"init", "--type", ""}, []string{"ec", "rsa", "ed25519"}, fixed},
		{[]string{"ca", "init", "--bits", ""}, []string{"2048", "3072", "4096"}, fixed},
		{[]string{"ca", "issue", "server", "--type", ""}, []string{"ec", "rsa", "ed25519"}, fixed},
		{[]string{"ca", "issue", "client", "--curve", ""}, []string{"P-256", "P-384"}, fixed},
		{[]string{"ca", "sign", "--profile", ""}, []string{"server", "client"}, fixed},
		{[]string{"ca", "revoke", "--reason", ""}, reasons, fixed},
		{[]string{"probe", "--sslmode", ""}, []string{"require", "verify-ca", "verify-full"}, fixed},
		{[]string{"verify", "--purpose", ""}, []string{"server", "client"}, fixed},
		// directories
		{[]string{"init", "-D", ""}, nil, dirs},
		{[]string{"init", "--clients-dir", ""}, nil, dirs},
		{[]string{"selfsign", "-D", ""}, nil, dirs},
		{[]string{"check", "-D", ""}, nil, dirs},
		{[]string{"perms", "fix", "-D", ""}, nil, dirs},
		{[]string{"renew", "-D", ""}, nil, dirs},
		{[]string{"ca", "list", "--ca-dir", ""}, nil, dirs},
		{[]string{"crl", "dir", "-o", ""}, nil, dirs},
		{[]string{"ca", "issue", "client", "-o", ""}, nil, dirs},
		// files by extension: flags
		{[]string{"key", "new", "-o", ""}, []string{"key", "pem"}, ext},
		{[]string{"req", "-o", ""}, []string{"req", "csr", "pem"}, ext},
		{[]string{"req", "--key", ""}, []string{"key", "pem", "der"}, ext},
		{[]string{"selfsign", "--req", ""}, []string{"req", "csr", "pem", "der"}, ext},
		{[]string{"selfsign", "-o", ""}, []string{"crt", "pem"}, ext},
		{[]string{"verify", "--root", ""}, []string{"crt", "pem", "der"}, ext},
		{[]string{"verify", "--crl", ""}, []string{"crl", "pem", "der"}, ext},
		{[]string{"crl", "gen", "-o", ""}, []string{"crl", "pem"}, ext},
		{[]string{"crl", "merge", "--ca", ""}, []string{"crt", "pem", "der"}, ext},
		{[]string{"chain", "--key", ""}, []string{"key", "pem", "der"}, ext},
		{[]string{"probe", "--cert", ""}, []string{"crt", "pem", "der"}, ext},
		{[]string{"ca", "revoke", "--cert", ""}, []string{"crt", "pem", "der"}, ext},
		// files by extension: positional arguments
		{[]string{"show", ""}, []string{"crt", "key", "req", "csr", "crl", "pem", "der"}, ext},
		{[]string{"key", "strip", ""}, []string{"key", "pem", "der"}, ext},
		{[]string{"key", "encrypt", ""}, []string{"key", "pem", "der"}, ext},
		{[]string{"key", "show", ""}, []string{"key", "pem", "der"}, ext},
		{[]string{"ca", "sign", ""}, []string{"req", "csr", "pem", "der"}, ext},
		{[]string{"chain", ""}, []string{"crt", "pem", "der"}, ext},
		{[]string{"root", ""}, []string{"crt", "pem", "der"}, ext},
		{[]string{"verify", ""}, []string{"crt", "pem", "der"}, ext},
		{[]string{"crl", "merge", ""}, []string{"crl", "pem", "der"}, ext},
		{[]string{"crl", "dir", ""}, []string{"crl", "pem", "der"}, ext},
		{[]string{"crl", "show", ""}, []string{"crl", "pem", "der"}, ext},
		{[]string{"perms", "check", ""}, []string{"key", "crt", "crl"}, ext},
		// no files where no file is wanted
		{[]string{"key", "new", ""}, nil, fixed},
		{[]string{"ca", "revoke", ""}, nil, fixed},
		{[]string{"probe", ""}, nil, fixed},
		// subcommands
		{[]string{"crl", ""}, []string{"gen", "merge", "dir", "show"}, fixed},
		{[]string{"ca", "issue", ""}, []string{"server", "client"}, fixed},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got, d := complete(t, tc.args...)
			if d != tc.directive {
				t.Errorf("directive %d, want %d (candidates %q)", d, tc.directive, got)
			}
			if tc.want == nil && len(got) != 0 {
				t.Errorf("candidates %q, want none", got)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("no %q among %q", w, got)
				}
			}
		})
	}
}

// TestEveryFileFlagCompletes walks every command's flags: a flag whose value is a
// FILE completes file names by extension, and one whose value is a DIR (or PGDATA)
// completes directories, so that no such flag is left to the shell's default.
func TestEveryFileFlagCompletes(t *testing.T) {
	// --crlnumber and --targets-file name files without an extension of their own,
	// and so does a step-ca root key (secrets/root_ca_key).
	anyFile := map[string]bool{"crl gen --crlnumber": true, "probe --targets-file": true, "init --root-key": true, "renew --root-key": true}
	ios, _, _, _ := iostreams.Test()
	var walk func(c *cobra.Command)
	checked := 0
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			name, _ := pflag.UnquoteUsage(fl)
			path := append(strings.Fields(c.CommandPath())[1:], "--"+fl.Name, "")
			key := strings.Join(path[:len(path)-1], " ")
			var want cobra.ShellCompDirective
			switch name {
			case "FILE":
				want = cobra.ShellCompDirectiveFilterFileExt
				if anyFile[key] {
					want = cobra.ShellCompDirectiveDefault
				}
			case "DIR", "PGDATA":
				want = cobra.ShellCompDirectiveFilterDirs
			default:
				return
			}
			checked++
			if _, d := complete(t, path...); d != want {
				t.Errorf("pgcert %s: completion directive %d, want %d", key, d, want)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(NewFactory(ios)))
	if checked < 20 {
		t.Fatalf("only %d file and directory flags found", checked)
	}
}
